/**
 * The load step of one handled event: everything its decision needs, fetched through the storage port before
 * deciding. Finds the incident (by the button's incident id, the thread, or the channel's open incidents), parses
 * the command (pure) and fetches what the command declared it needs (decide.ts `needsOf`). Keeps recently used
 * incidents in memory; the database stays the source of truth (a conflict at commit drops the cached copy).
 *
 * An incident id the event names (a button's payload, `status NF-…`, `export NF-…`) is data the person controls:
 * it is only followed to an incident where the event happened ({@link belongsHere}); anything else becomes an
 * `elsewhere` input, refused without loading the other incident for the decision.
 */
import { restoreIncident } from "../machines/machine.ts";
import type { Deps, Fetched } from "./context.ts";
import { type EventInput, type Need, needsOf, reactionNeeds } from "./decide.ts";
import { incidentYear } from "./declare.ts";
import { PAST_DRILLS } from "./drill-report.ts";
import type { Inbound } from "./inbound.ts";
import { mayAnswerMenu, menuAnswer, menuFresh, menuKey } from "./menu.ts";
import { type Command, parseCommand } from "./parser.ts";
import type { IncidentRecord, StoragePort } from "./ports.ts";
import type { IncidentState, Loaded } from "./state.ts";
import { reactionVerb } from "./tasks.ts";
import { sanitize } from "./text.ts";

/** A map that keeps only its `max` most recently used entries (a get counts as use). */
export class Recent<V> {
  private readonly entries = new Map<string, V>();
  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const v = this.entries.get(key);
    if (v !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

/** Loads incidents and events for the incident service; one per service. */
export class Loader {
  private readonly storage: StoragePort;
  private readonly deps: Deps;
  /** Recently used incidents. */
  private readonly cache = new Recent<{ rec: IncidentRecord; st: IncidentState }>(256);
  /**
   * Incident id by `channel + thread ref`: a thread never moves to another incident, so a hit stays true. Bounded
   * like the incidents (~100 bytes each; unbounded it grew by one entry for every thread ever seen): a thread not
   * kept is looked up in the database again.
   */
  private readonly threads = new Recent<string>(4096);

  constructor(storage: StoragePort, deps: Deps) {
    this.storage = storage;
    this.deps = deps;
  }

  /** A private copy of an incident for one event (decisions change it in place). */
  async incident(id: string): Promise<Loaded | undefined> {
    let c = this.cache.get(id);
    if (!c) {
      const rec = await this.storage.getIncident(id);
      if (!rec) return undefined;
      c = { rec, st: rec.snapshot as IncidentState };
      this.cache.set(id, c); // freshly read: nobody else holds it
    }
    const pb = this.deps.playbooks.get(c.rec.playbookId);
    if (!pb) return undefined;
    const machine = this.deps.machineFor(pb);
    // the record's other fields are primitives; its snapshot is the state
    const st = structuredClone(c.st);
    const rec = { ...c.rec, snapshot: st };
    return { rec, pb, machine, st, snap: restoreIncident(machine, st.machine) };
  }

  /** After a successful commit: the committed copy becomes the cached one (it is not touched again). */
  committed(L: Loaded): void {
    this.cache.set(L.rec.id, { rec: { ...L.rec, snapshot: L.st }, st: L.st });
  }

  /** After a refused commit: read the incident again next time. */
  forget(id: string): void {
    this.cache.delete(id);
  }

  /**
   * A line answering the menu this person is waiting on in this channel (`1`, the name, "etwas anderes"). The menu
   * is read from storage (any process may have shown it, before a restart too); one older than its time is no menu.
   */
  private async menuAnswer(ev: Inbound, text: string, now: Date): Promise<{ cmd: Command; key: string } | undefined> {
    if (!mayAnswerMenu(text, this.deps.playbooks.list())) return undefined;
    const key = menuKey(ev);
    const pending = await this.storage.pendingMenu(key);
    if (!pending || !menuFresh(pending, now)) return undefined;
    const cmd = menuAnswer(text, pending, this.deps.playbooks.list());
    return cmd ? { cmd, key } : undefined;
  }

  /** Everything the decision of one inbound event needs. `now` is the instant the decision will use. */
  async event(ev: Inbound, now: Date): Promise<{ input: EventInput; fetched: Fetched }> {
    const ignore = { input: { kind: "ignore" } as const, fetched: {} };
    if (ev.kind === "reaction") {
      const r = ev.reaction;
      if (!r || !reactionVerb(r.emoji)) return ignore;
      const hit = await this.storage.keyForRef(ev.channel, r.messageRef);
      if (!hit?.incidentId) return ignore;
      const L = await this.incident(hit.incidentId);
      // the reacted message is looked up in this channel; its incident must run here too (never another's)
      if (!L || !belongsHere(L.rec, ev)) return ignore;
      return { input: { kind: "reaction", key: hit.key, L }, fetched: await this.fetch(reactionNeeds(r.emoji), L, now) };
    }
    const raw = ev.kind === "action" ? (ev.action?.command ?? "") : (ev.text ?? "");
    const text = sanitize(raw, 100_000);
    // a typed answer to a waiting menu ("1") counts wherever that person writes it in the channel
    const answer = ev.kind === "action" ? undefined : await this.menuAnswer(ev, text, now);
    const answered = answer ? { answered: answer.key } : {};
    // the incident of the thread or channel, never the one a payload names
    let found = await this.find(ev);
    const own = Array.isArray(found) ? undefined : found;
    const buttonId = ev.action?.incidentId;
    if (buttonId !== undefined) {
      const named = buttonId === own?.rec.id ? own : await this.named(buttonId, ev, own);
      if (!named) return { input: await this.elsewhere("action", buttonId, own), fetched: {} };
      found = named;
    }
    const playbooks = this.deps.playbooks.list();
    const many = Array.isArray(found) ? found : undefined;
    // A line meant for the bot (a terminal, a one-to-one chat, a mention) without an open incident is read as a
    // command; anything else without an incident is other people's conversation.
    const addressed = ev.addressed ?? !this.deps.caps(ev.platform).threads;
    if (ev.kind === "reply" && !found && !addressed && !answer) return ignore;
    const cmd = answer?.cmd ?? parseCommand(text, playbooks, { mode: ev.kind === "reply" && found ? "reply" : "command" });
    let L = many ? undefined : (found as Loaded | undefined);
    if ((cmd.kind === "export" || cmd.kind === "status") && cmd.id && cmd.id !== L?.rec.id) {
      const named = await this.named(cmd.id, ev);
      if (!named) return { input: await this.elsewhere("id", cmd.id, own), fetched: {} };
      L = named;
    } else if (many) {
      return {
        input: { kind: "command", cmd, many, ...answered },
        fetched: await this.fetch(needsOf(cmd, undefined), undefined, now, ev.channel),
      };
    } else if (!L && cmd.kind === "export") {
      // `export` right after `abschließen` where there is no thread (a terminal, a chat): the last incident here
      L = await this.lastClosedHere(ev);
    }
    return {
      input: { kind: "command", cmd, ...(L ? { L } : {}), ...answered },
      fetched: await this.fetch(needsOf(cmd, L), L, now, ev.channel),
    };
  }

  /**
   * The incident an event names by id, if it runs where the event happened: same tenant, platform and channel. A
   * button pressed inside the thread of an incident (`thread`) acts on that incident only; a typed id may name any
   * incident of the channel (`export NF-…` of a closed one, typed in the thread of the next). Unknown ids and
   * incidents elsewhere give the same undefined: the answer says nothing about other channels.
   */
  private async named(id: string, ev: Inbound, thread?: Loaded): Promise<Loaded | undefined> {
    if (ev.threadRef && thread) return thread.rec.id === id ? thread : undefined;
    const L = await this.incident(id);
    return L && belongsHere(L.rec, ev) ? L : undefined;
  }

  /** The most recently opened closed incident of the event's channel (tenant, platform and channel as `named`). */
  private async lastClosedHere(ev: Inbound): Promise<Loaded | undefined> {
    const rec = (await this.storage.listIncidents({ open: false, limit: 50 })).find((r) => belongsHere(r, ev));
    return rec ? this.incident(rec.id) : undefined;
  }

  /** A refused id: whether it names an incident at all (for the record), and the event's own incident. */
  private async elsewhere(what: "action" | "id", id: string, own: Loaded | undefined): Promise<EventInput> {
    const known = (await this.storage.getIncident(id)) !== undefined;
    return { kind: "elsewhere", what, id, known, ...(own ? { L: own } : {}) };
  }

  /** The incident an event belongs to (thread, or the channel's only open one); the open ones' ids when several. */
  private async find(ev: Inbound): Promise<Loaded | string[] | undefined> {
    if (ev.threadRef) {
      const thread = `${ev.channel}\n${ev.threadRef}`;
      const known = this.threads.get(thread);
      if (known) return this.incident(known);
      const rec = await this.storage.findIncidentByRef(ev.channel, ev.threadRef);
      if (rec) this.threads.set(thread, rec.id);
      return rec ? this.incident(rec.id) : undefined;
    }
    // a reply outside any thread belongs to no incident, except where the conversation has no threads (a chat, a
    // terminal): there the conversation is the incident's thread
    if (ev.kind === "reply" && (ev.threads ?? this.deps.caps(ev.platform).threads)) return undefined;
    const open = await this.storage.openIncidentsInChannel(ev.channel);
    if (open.length === 1) return this.incident(open[0]!.id);
    if (open.length > 1) return open.map((r) => r.id);
    return undefined;
  }

  private async fetch(needs: readonly Need[], L: Loaded | undefined, now: Date, channel?: string): Promise<Fetched> {
    const out: Fetched = {};
    for (const need of needs) {
      if (need === "nextNumber") out.nextNumber = await this.storage.nextIncidentNumber(incidentYear(now));
      else if (need === "openHere")
        out.openHere = channel
          ? (await this.storage.openIncidentsInChannel(channel)).map((r) => ({
              id: r.id,
              playbookId: r.playbookId,
              drill: r.drill,
              openedAt: r.openedAt,
            }))
          : [];
      else if (!L) continue;
      else if (need === "pendingTimers") out.pendingTimers = (await this.storage.pendingTimers(L.rec.id)).map((t) => t.id);
      else if (need === "history") out.history = await this.history(L.rec.id);
      else if (need === "previousDrills")
        out.previousDrills = await this.storage.listIncidents({
          open: false,
          drill: true,
          playbookId: L.rec.playbookId,
          limit: PAST_DRILLS,
        });
    }
    return out;
  }

  /** Stored timeline and task rows of an incident (for `notfallbot export`). */
  async history(id: string): Promise<NonNullable<Fetched["history"]>> {
    return { timeline: await this.storage.timeline(id), tasks: await this.storage.tasks(id) };
  }
}

/**
 * Whether an incident runs where an event happened: same tenant (workspace, Teams tenant, homeserver), platform and
 * channel (Slack channel, Teams conversation, Matrix room; a Teams chat is one conversation and so one channel).
 */
export function belongsHere(rec: IncidentRecord, ev: Inbound): boolean {
  return rec.workspace === ev.tenant && rec.platform === ev.platform && rec.channel === ev.channel;
}
