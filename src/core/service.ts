import { loc } from "../machines/schema.ts";
import { IncidentCommands } from "./commands.ts";
import type { Inbound } from "./inbound.ts";
import { SYSTEM } from "./incident-core.ts";
import { type Block, escapeMd, type Outbound } from "./message.ts";
import { type Command, parseCommand } from "./parser.ts";
import type { TimerRow } from "./ports.ts";
import type { Loaded } from "./state.ts";
import { sanitize } from "./text.ts";
import { coordinatorId, ctxOf, nameOf, statusBlocks } from "./views.ts";
import { Work } from "./work.ts";

export type { ExportSink, PlaybookSource, ServiceOptions } from "./incident-core.ts";

export type HandleResult = "handled" | "duplicate" | "ignored";

/**
 * The incident service: parses what people say, applies it to the incident's machine and writes the
 * new snapshot, timeline entries, task rows, timers and outgoing messages in ONE transaction.
 * Synchronous by design (better-sqlite3), so two events never interleave inside one process.
 */
export class IncidentService extends IncidentCommands {
  // ───────────────────────────── entry points ─────────────────────────────

  /** Handle one inbound event. Redeliveries (same deliveryId) have no second effect. */
  handle(ev: Inbound): HandleResult {
    if (this.o.storage.hasDelivery(ev.platform, ev.deliveryId)) return "duplicate";
    for (let attempt = 0; attempt < 3; attempt++) {
      const w = new Work();
      let touched: Loaded | undefined;
      try {
        touched = this.route(ev, w);
      } catch (err) {
        this.o.log?.("error", "Fehler bei der Verarbeitung", err);
        const fresh = new Work();
        this.reply(fresh, ev, undefined, [{ type: "paragraph", text: this.t.err.internal }], true);
        this.commitWork(fresh, undefined, ev);
        return "handled";
      }
      const res = this.commitWork(w, touched, ev);
      if (res === "ok") return "handled";
      if (res === "duplicate") return "duplicate";
      if (touched) this.cache.delete(touched.rec.id); // conflict: another process wrote; reload and retry
    }
    this.o.log?.("error", "Konflikt beim Speichern nach drei Versuchen", { deliveryId: ev.deliveryId });
    return "ignored";
  }

  /** A timer from the database fell due. Fires exactly once (marked in the same transaction). */
  fireTimer(timer: TimerRow): void {
    for (let attempt = 0; attempt < 3; attempt++) {
      const w = new Work();
      w.fired.push(timer.id);
      const L = this.load(timer.incidentId);
      if (L && !ctxOf(L).closedAt) this.onTimer(w, L, timer);
      const res = this.commitWork(w, L && !ctxOf(L).closedAt ? L : undefined);
      if (res !== "conflict") return;
      this.cache.delete(timer.incidentId);
    }
  }

  /** A message could not be delivered for good: record it and tell the coordinator (once). */
  deliveryFailed(row: { key: string; incidentId: string | null; message: Outbound }, code: string): void {
    if (!row.incidentId || row.key.includes("/delivery-failed/")) return;
    const L = this.load(row.incidentId);
    if (!L) return;
    const w = new Work();
    this.log(w, L, SYSTEM, "delivery-failed", `Nachricht nicht zustellbar (${code}): ${row.key}`, { key: row.key, code });
    const coord = nameOf(L, coordinatorId(L))!;
    const preview = row.message.text.split("\n")[0]!.slice(0, 80);
    this.post(w, L, `${L.rec.id}/delivery-failed/${row.key}`, [
      { type: "paragraph", text: `${escapeMd(coord)}: ${this.t.err.deliveryFailed(escapeMd(preview), code)}` },
    ]);
    this.commitWork(w, L);
  }

  /** For tests, the CLI and the export command: a loaded incident by id. */
  incident(id: string): Loaded | undefined {
    return this.load(id);
  }

  // ───────────────────────────── routing ─────────────────────────────

  private route(ev: Inbound, w: Work): Loaded | undefined {
    if (ev.kind === "reaction") return this.onReaction(ev, w);
    const raw = ev.kind === "action" ? (ev.action?.command ?? "") : (ev.text ?? "");
    const text = sanitize(raw, 100_000);
    const L = this.findIncident(ev);
    if (L === "many") {
      // declaring another incident, help and parse errors need no incident: only commands about one are ambiguous
      const cmd = parseCommand(text, this.o.playbooks.list(), { mode: ev.kind === "reply" ? "reply" : "command" });
      if (cmd.kind === "open" || cmd.kind === "choose-type" || cmd.kind === "help" || cmd.kind === "handbook" || cmd.kind === "error")
        return this.execute(cmd, ev, w, undefined);
      const ids = this.o.storage
        .openIncidentsInChannel(ev.channel)
        .map((r) => r.id)
        .join(", ");
      this.reply(w, ev, undefined, [{ type: "paragraph", text: this.t.err.manyIncidents(ids) }], true);
      return undefined;
    }
    // In a terminal (no threads) a plain line without an open incident is read as a command.
    const threadless = !this.caps(ev.platform).threads;
    if (ev.kind === "reply" && !L && !threadless) return undefined; // ordinary chat in some other thread
    const mode = ev.kind === "reply" && L ? "reply" : "command";
    const cmd = parseCommand(text, this.o.playbooks.list(), { mode });
    if ((cmd.kind === "export" || cmd.kind === "status") && cmd.id) {
      const named = this.load(cmd.id);
      if (named && named.rec.tenant === ev.tenant && named.rec.platform === ev.platform) return this.execute(cmd, ev, w, named);
    }
    return this.execute(cmd, ev, w, L);
  }

  private findIncident(ev: Inbound): Loaded | "many" | undefined {
    if (ev.action?.incidentId) return this.load(ev.action.incidentId);
    if (ev.threadRef) {
      const thread = `${ev.channel}\n${ev.threadRef}`;
      const known = this.threads.get(thread);
      if (known) return this.load(known);
      const rec = this.o.storage.findIncidentByRef(ev.channel, ev.threadRef);
      if (rec) this.threads.set(thread, rec.id);
      return rec ? this.load(rec.id) : undefined;
    }
    if (ev.kind === "reply" && this.caps(ev.platform).threads) return undefined;
    const open = this.o.storage.openIncidentsInChannel(ev.channel);
    if (open.length === 1) return this.load(open[0]!.id);
    if (open.length > 1) return "many";
    return undefined;
  }

  private execute(cmd: Command, ev: Inbound, w: Work, L: Loaded | undefined): Loaded | undefined {
    const t = this.t;
    switch (cmd.kind) {
      case "help":
        this.reply(w, ev, L, [{ type: "paragraph", text: t.help(this.typesList()) }], false);
        return undefined;
      case "open":
        if (L && ev.threadRef) {
          this.reply(w, ev, L, [{ type: "paragraph", text: t.err.alreadyOpen(L.rec.id) }], true);
          return undefined;
        }
        return this.open(w, ev, cmd.playbookId, cmd.description, cmd.drill);
      case "choose-type": {
        const cands = cmd.candidates.length ? cmd.candidates.map((c) => c.id) : this.o.playbooks.list().map((p) => p.id);
        const pre = cmd.drill ? "übung " : "";
        const options = cands.map((id) => `\`${pre}${id}\``).join(" · ");
        const blocks: Block[] = [
          {
            type: "paragraph",
            text:
              cmd.candidates.length > 1
                ? t.chooseType(escapeMd(cmd.text.slice(0, 200)), options)
                : t.chooseTypeNone(escapeMd(cmd.text.slice(0, 200)), options),
          },
        ];
        if (this.caps(ev.platform).buttons)
          blocks.push({
            type: "buttons",
            buttons: cands.slice(0, 5).map((id) => ({
              label: loc(this.o.playbooks.get(id)!.title, this.locale).slice(0, 60),
              command: `${pre}${id} ${cmd.text}`.slice(0, 1500),
            })),
          });
        this.reply(w, ev, L, blocks, true);
        return undefined;
      }
      case "error":
        this.reply(w, ev, L, [{ type: "paragraph", text: this.errorText(cmd.error) }], true);
        return undefined;
      case "handbook":
        this.handbook(w, ev, L);
        return undefined;
      case "text":
        if (L && !ctxOf(L).closedAt) {
          this.remember(L, ev.actor);
          this.log(w, L, ev.actor, "text", cmd.text.slice(0, 4000), ev.messageRef ? { ref: ev.messageRef } : null);
          return L;
        }
        return undefined;
    }
    if (!L) {
      this.reply(w, ev, undefined, [{ type: "paragraph", text: t.err.noIncident }], true);
      return undefined;
    }
    if (ctxOf(L).closedAt && cmd.kind !== "export" && cmd.kind !== "status") {
      this.reply(w, ev, L, [{ type: "paragraph", text: t.err.closed(L.rec.id) }], true);
      return undefined;
    }
    this.remember(L, ev.actor);
    for (const m of ev.mentions ?? []) if (!L.st.names[m.id]) L.st.names[m.id] = m.displayName;
    switch (cmd.kind) {
      case "role":
        return this.role(w, ev, L, cmd.role, cmd.target, cmd.release === true);
      case "status":
        this.post(w, L, `${L.rec.id}/status/${w.timeline.length}-${this.now().getTime()}`, statusBlocks(L, this.env(L)));
        return undefined;
      case "task":
        return this.task(w, ev, L, cmd.verb, cmd.nrs, cmd.reason);
      case "template":
        return this.template(w, ev, L, cmd.name);
      case "note":
        this.log(w, L, ev.actor, "note", sanitize(cmd.text));
        this.reply(w, ev, L, [{ type: "context", text: t.noteSaved }], true);
        return L;
      case "escalate":
        return this.escalate(w, ev, L, cmd.level, cmd.raw);
      case "advance":
        return this.advance(w, ev, L, cmd.reason);
      case "close":
        return this.close(w, ev, L, cmd.reason);
      case "export":
        return this.export(w, ev, L);
      case "answer":
        return this.answer(w, ev, L, cmd.ref, cmd.value);
    }
    return undefined;
  }
}
