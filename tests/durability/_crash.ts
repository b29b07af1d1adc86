/**
 * The crash harness: feeds a script to the real bot process, `kill -9`s it at seeded random points, restarts it
 * on the same database and carries on, checking after every kill and at the end:
 * - every step whose answer was shown is on the timeline; an unanswered step is either applied (then its
 *   answer is waiting in the outbox) or not (then it is sent again: decided from the database, never blindly);
 *   no step is applied twice;
 * - the hash chain of every incident verifies;
 * - no message is lost (every outbox row ends up sent and shown) and none is shown twice, except the one
 *   message in flight at a kill (written, not yet marked sent), at most one per kill: counted as repeats;
 * - every timer fires once: a due timer fires after a restart (never silently cancelled), `fired_at` never
 *   changes once set, each reminder message key exists once and matches one timeline entry.
 *
 * Driving is lock-step: the next step is sent when the bot has handled the previous one (its delivery id is
 * in the database) and delivered everything, so each shown message belongs to the step in flight.
 * Platform-neutral: the platform is a {@link CrashTarget}.
 */
import { join } from "node:path";
import { verifyChain } from "../../src/core/chain.ts";
import { DbProbe, type DbView } from "./_db.ts";
import { type Rng, rng } from "./_rng.ts";
import { type Step, TIMER_ENTRY_KINDS, TIMER_MESSAGE } from "./_script.ts";
import type { BotRun, CrashTarget, SeenMessage } from "./_target.ts";

/**
 * How a kill is timed: after the Nth output line of the run counted from a step (`output`) or from the start
 * (`startup`: during the delivery of the backlog and of due timers), right after writing a step (`input`),
 * a few milliseconds after writing it (`delay`: lands while it is handled or delivered), or when the bot
 * has handled this run's share of the script and sits idle (`idle`).
 */
export type KillMode = "output" | "input" | "delay" | "startup" | "idle";

/** Where one `kill -9` hit. */
export interface KillPoint {
  run: number;
  mode: KillMode;
  /** Script step in flight (sent, not yet fully handled) at the kill, else the next step to send. */
  step: number;
  /** Whether a step was in flight. */
  inFlight: boolean;
  /** Output progress of the run at the kill, and since the step in flight was sent (or since the start). */
  progress: number;
  intoStep: number;
  /** What the database said afterwards about the step in flight. */
  outcome?: "applied+answered" | "applied, answer pending" | "not applied (sent again)";
  /** The message that was written but not yet marked sent at the kill (shown again after the restart). */
  repeated?: string;
}

export interface CrashReport {
  label: string;
  seed: number;
  steps: number;
  runs: number;
  kills: KillPoint[];
  /** Distinct kill positions (step, in flight or not, mode, output offset). */
  distinctPoints: number;
  /** Messages shown twice because the kill hit between writing and marking them sent. */
  repeats: { run: number; key: string }[];
  /** Steps sent again because the database did not have them. */
  resent: number;
  /** Steps applied whose answer was not shown before the kill (shown after the restart). */
  answeredAfterRestart: number;
  timerPulls: number;
  timersFired: number;
  timerMessages: number;
  messages: number;
  shown: number;
  ms: number;
}

export interface CrashOptions {
  target: CrashTarget;
  script: Step[];
  seed: number;
  /** Kill until this many distinct kill positions were hit (every run but the last ends with one `kill -9`). */
  points: number;
  /** Scratch folder for the database and the Node compile cache. */
  dir: string;
  label: string;
  /** Longest wait for the bot to catch up before the test gives up (ms). */
  patienceMs?: number;
  /** Stop early (another stream failed): the bot is killed and the run ends with an error. */
  signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** How often each kill timing is drawn. */
const MODE_WEIGHTS: [KillMode, number][] = [
  ["output", 0.45],
  ["input", 0.15],
  ["delay", 0.2],
  ["startup", 0.12],
  ["idle", 0.08],
];

function pickMode(r: Rng): KillMode {
  let x = r.next();
  for (const [mode, w] of MODE_WEIGHTS) {
    if (x < w) return mode;
    x -= w;
  }
  return "idle";
}

export async function crashTest(o: CrashOptions): Promise<CrashReport> {
  const t0 = Date.now();
  const rnd: Rng = rng(o.seed);
  const dbPath = join(o.dir, "notfall.db");
  const db = new DbProbe(dbPath); // creates the file and applies the migrations before the first run
  const script = o.script;
  const sigTotal = new Map<string, number>();
  for (const s of script) sigTotal.set(s.sig, Math.max(sigTotal.get(s.sig) ?? 0, s.ordinal));

  let cursor = 0;
  const kills: KillPoint[] = [];
  const shown = new Map<string, number>();
  const repeatCount = new Map<string, number>();
  const repeats: CrashReport["repeats"] = [];
  const confirmed = new Set<number>();
  const firedAt = new Map<string, string>();
  const lateAnswers: { step: number; row: number; run: number }[] = [];
  let resent = 0;
  let timerPulls = 0;
  let run = 0;
  let current: BotRun | undefined;

  const fail = (msg: string): never => {
    throw new Error(`[${o.target.name} ${o.label} CRASH_SEED=${o.seed} Lauf ${run}] ${msg}`);
  };
  const show = (msgs: readonly SeenMessage[]) =>
    msgs.map((m) => `⟦${m.key}⟧ ${m.text.trim().split("\n")[0]?.slice(0, 120) ?? ""}`).join("\n    ") || "(nichts)";
  const describe = (s: Step) => `Schritt ${s.i} "${s.who}: ${s.text}"`;

  try {
    const points = new Set<string>();
    for (run = 1; ; run++) {
      if (o.signal?.aborted) fail("abgebrochen");
      // distinct positions are the goal; a few repeated positions (a step killed again after a resend) add runs
      const final = points.size >= o.points || kills.length >= o.points * 2;

      // Time passes while the bot is down: some pending timers fall due (all of them before the last run).
      const open = db.timers().filter((t) => !t.firedAt && !t.cancelledAt);
      if (open.length && (final || rnd.chance(0.35))) {
        const chosen = open.filter(() => final || rnd.chance(0.7)).map((t) => t.id);
        db.pullTimers(chosen, new Date(Date.now() - 1000));
        if (chosen.length) timerPulls++;
      }
      const nowIso = new Date().toISOString();
      const overdue = db
        .timers()
        .filter((t) => !t.firedAt && !t.cancelledAt && t.dueAt <= nowIso)
        .map((t) => t.id);

      // How far this run gets, and where the kill comes.
      const remaining = script.length - cursor;
      const killsLeft = Math.max(1, o.points - points.size);
      const even = final ? remaining : remaining / killsLeft;
      const share = final ? remaining : Math.min(remaining, Math.floor(even) + (rnd.next() < even % 1 ? 1 : 0));
      let mode: KillMode | "none" = final ? "none" : pickMode(rnd);
      if (share === 0 && (mode === "output" || mode === "input" || mode === "delay")) mode = "startup";
      // due timers fire right after the start: aim half of those runs at their messages
      const aimAtTimers = !final && overdue.length > 0 && rnd.chance(0.5);
      if (aimAtTimers) mode = "startup";
      const at = share > 0 ? rnd.int(0, share - 1) : 0;
      const lines = aimAtTimers ? rnd.int(1, 12) : rnd.chance(0.75) ? rnd.int(1, 4) : rnd.int(5, 40);
      const delayMs = rnd.int(0, 6);

      const base = { deliveries: db.deliveries(), sent: db.sent() };
      const bot: BotRun = o.target.start(dbPath, o.dir);
      current = bot;
      let exited = false;
      void bot.exited.then(() => {
        exited = true;
      });
      let killAt = mode === "startup" ? lines : Number.POSITIVE_INFINITY;
      let inFlight: { step: Step; from: number; progress: number } | undefined;
      let sent = 0;
      let point: KillPoint | undefined;
      const killNow = (m: KillMode) => {
        if (bot.killed) return;
        point = {
          run,
          mode: m,
          step: inFlight?.step.i ?? cursor + sent,
          inFlight: inFlight !== undefined,
          progress: bot.progress,
          intoStep: inFlight ? bot.progress - inFlight.progress : bot.progress,
        };
        bot.kill();
      };
      bot.onProgress(() => {
        if (bot.progress >= killAt) killNow(mode === "startup" ? "startup" : "output");
      });
      const caughtUp = () => db.pending() === 0 && bot.messages.length >= db.sent() - base.sent;
      const until = async (cond: () => boolean, what: string): Promise<boolean> => {
        const started = Date.now();
        for (;;) {
          if (bot.killed || exited) return false;
          if (o.signal?.aborted) {
            bot.kill();
            fail("abgebrochen");
          }
          if (cond()) return true;
          if (Date.now() - started > (o.patienceMs ?? 20_000)) {
            bot.kill();
            fail(`wartet vergeblich auf ${what}; gezeigt:\n    ${show(bot.messages.slice(-5))}`);
          }
          await sleep(1);
        }
      };

      // Startup: the backlog of the last run is delivered and due timers fire before anything new is typed.
      if (await until(() => caughtUp() && db.unfired(overdue) === 0, "Zustellung des Rückstands und fällige Timer")) {
        while (sent < share && !bot.killed && !exited) {
          const step = script[cursor + sent]!;
          if (mode === "output" && at === sent) killAt = bot.progress + lines;
          inFlight = { step, from: bot.messages.length, progress: bot.progress };
          bot.send(step);
          sent++;
          if (mode === "input" && at === sent - 1) {
            killNow("input");
            break;
          }
          if (mode === "delay" && at === sent - 1) setTimeout(() => killNow("delay"), delayMs);
          const handled = await until(() => db.deliveries() === base.deliveries + sent && caughtUp(), `${describe(step)}`);
          if (!handled) break;
          // handled and everything delivered: its effect is there exactly once and its answer was shown
          const got = db.effectCount(step);
          const msgs = bot.messages.slice(inFlight.from);
          if (got !== step.ordinal)
            fail(`${describe(step)}: Wirkung ${got}× statt ${step.ordinal}× in der Datenbank; Antwort:\n    ${show(msgs)}`);
          if (step.answer) {
            if (!msgs.some((m) => step.answer!.test(m.key) && (!step.answerText || step.answerText.test(m.text))))
              fail(`${describe(step)}: erwartete Antwort ${step.answer} fehlt; gezeigt:\n    ${show(msgs)}`);
            confirmed.add(step.i);
          } else if (msgs.length) fail(`${describe(step)}: freier Text, trotzdem Antwort:\n    ${show(msgs)}`);
          inFlight = undefined;
        }
      }
      if (final) bot.end();
      else if (!bot.killed) killNow("idle");
      const exit = await bot.exited;

      // ── checks after the run ──
      if (bot.stray.length) fail(`Ausgabe ohne Nachrichtenmarke: ${bot.stray.slice(0, 3).join(" | ")}`);
      if (/\[error\]/.test(exit.stderr)) fail(`Fehler im Log:\n${exit.stderr}`);
      if (final) {
        if (exit.code !== 0) fail(`Bot endete mit Code ${exit.code} (Signal ${exit.signal}):\n${exit.stderr}`);
      } else if (exit.signal !== "SIGKILL") fail(`Bot endete von selbst (Code ${exit.code}, Signal ${exit.signal}):\n${exit.stderr}`);
      for (const m of bot.messages) shown.set(m.key, (shown.get(m.key) ?? 0) + 1);
      const view: DbView = db.view();

      // Steps of this run: applied ones form a prefix (one at a time, in order); the delivery ids agree.
      const steps = script.slice(cursor, cursor + sent);
      const applied = steps.map((s) => db.effectCount(s, view) >= s.ordinal);
      const n = applied.filter(Boolean).length;
      if (applied.some((a, i) => a !== i < n)) fail(`angewandte Schritte sind kein Anfang der gesendeten: ${applied.join(",")}`);
      if (view.deliveries - base.deliveries !== n)
        fail(`${view.deliveries - base.deliveries} neue Zustell-Ids, aber ${n} Schritte auf der Zeitleiste`);
      if (n < sent - 1) fail(`${sent - n} gesendete Schritte fehlen, höchstens der letzte darf fehlen`);
      if (inFlight) {
        const s = inFlight.step;
        const msgs = bot.messages.slice(inFlight.from);
        const answered = s.answer !== undefined && msgs.some((m) => s.answer!.test(m.key) && (!s.answerText || s.answerText.test(m.text)));
        const wasApplied = n === sent;
        if (answered) confirmed.add(s.i);
        if (answered && !wasApplied) fail(`${describe(s)} wurde beantwortet, steht aber nicht in der Datenbank`);
        if (wasApplied && !answered && s.answer) {
          const row = view.outbox.find((r) => r.status === "pending" && s.answer!.test(r.key));
          if (!row) fail(`${describe(s)} steht in der Datenbank, aber seine Antwort ist weder gezeigt noch im Postausgang`);
          lateAnswers.push({ step: s.i, row: row!.id, run });
        }
        if (point)
          point.outcome = !wasApplied ? "not applied (sent again)" : answered || !s.answer ? "applied+answered" : "applied, answer pending";
      }
      resent += sent - n;
      cursor += n;

      // Nothing confirmed is lost, nothing applied twice.
      for (const i of confirmed) {
        const s = script[i]!;
        if (db.effectCount(s, view) < s.ordinal) fail(`bestätigter ${describe(s)} fehlt in der Datenbank`);
      }
      const maxApplied = new Map<string, number>();
      for (const s of script.slice(0, cursor)) maxApplied.set(s.sig, Math.max(maxApplied.get(s.sig) ?? 0, s.ordinal));
      for (const s of script.slice(0, cursor)) {
        const c = db.effectCount(s, view);
        if (c !== maxApplied.get(s.sig)) fail(`${describe(s)}: Wirkung ${c}× statt ${maxApplied.get(s.sig)}× (doppelt oder verloren)`);
      }

      // The hash chain holds.
      for (const [id, entries] of view.timelines) {
        const v = verifyChain(entries);
        if (!v.ok) fail(`Prüfkette von ${id} kaputt: ${v.problem}`);
      }

      // Messages: every row marked sent was shown; shown more often than sent only for the one in flight at the kill.
      const rowsByKey = new Map<string, { sent: number; pending: number }>();
      for (const r of view.outbox) {
        if (r.status === "failed") fail(`Nachricht ${r.key} endgültig fehlgeschlagen`);
        const c = rowsByKey.get(r.key) ?? { sent: 0, pending: 0 };
        if (r.status === "sent") c.sent++;
        else c.pending++;
        rowsByKey.set(r.key, c);
      }
      const excess: string[] = [];
      for (const key of new Set([...rowsByKey.keys(), ...shown.keys()])) {
        const rows = rowsByKey.get(key) ?? { sent: 0, pending: 0 };
        const d = (shown.get(key) ?? 0) - (repeatCount.get(key) ?? 0) - rows.sent;
        if (d < 0) fail(`Nachricht ${key} ist als gesendet markiert, wurde aber nie gezeigt (verloren)`);
        for (let i = 0; i < d; i++) excess.push(key);
      }
      if (excess.length) {
        const last = bot.messages.at(-1)?.key ?? "";
        if (final || excess.length > 1 || excess[0] !== last || !rowsByKey.get(last)?.pending)
          fail(`doppelt gezeigt: ${excess.join(", ")} (erlaubt ist nur die letzte Nachricht vor einem kill, ${last || "keine"})`);
        repeatCount.set(last, (repeatCount.get(last) ?? 0) + 1);
        repeats.push({ run, key: last });
        if (point) point.repeated = last;
      }

      // Timers: due ones fired (never cancelled instead), fired_at set once, one message and one entry per fire.
      const timers = new Map(view.timers.map((t) => [t.id, t]));
      for (const id of overdue) if (timers.get(id)?.cancelledAt) fail(`fälliger Timer ${id} wurde gestrichen statt ausgelöst`);
      for (const t of view.timers) {
        if (!t.firedAt) continue;
        const before = firedAt.get(t.id);
        if (before && before !== t.firedAt) fail(`Timer ${t.id} zweimal ausgelöst (${before}, ${t.firedAt})`);
        firedAt.set(t.id, t.firedAt);
      }
      const timerKeys = new Map<string, number>();
      for (const r of view.outbox) if (TIMER_MESSAGE.test(r.key)) timerKeys.set(r.key, (timerKeys.get(r.key) ?? 0) + 1);
      for (const [key, c] of timerKeys) if (c > 1) fail(`Erinnerung ${key} ${c}× im Postausgang`);
      for (const [id, entries] of view.timelines) {
        const fromTimers = entries.filter((e) => TIMER_ENTRY_KINDS.has(e.kind)).length;
        const msgs = [...timerKeys.keys()].filter((k) => k.startsWith(`${id}/`)).length;
        if (fromTimers !== msgs) fail(`${id}: ${fromTimers} Timer-Einträge auf der Zeitleiste, aber ${msgs} Erinnerungen`);
      }

      if (!final) {
        if (!point) fail("kein kill verbucht");
        kills.push(point!);
        points.add(`${point!.step}/${point!.inFlight ? "f" : "b"}/${point!.mode}/${point!.intoStep}`);
        continue;
      }

      // ── the end: everything applied once, delivered, timers done ──
      if (cursor !== script.length) fail(`nur ${cursor} von ${script.length} Schritten angewandt`);
      for (const [sig, total] of sigTotal) {
        const s = script.find((x) => x.sig === sig)!;
        const c = db.effectCount(s, view);
        if (c !== total) fail(`Wirkung ${sig}: ${c}× statt ${total}×`);
      }
      const pending = view.outbox.filter((r) => r.status !== "sent");
      if (pending.length) fail(`nicht zugestellt: ${pending.map((r) => r.key).join(", ")}`);
      for (const l of lateAnswers)
        if (!view.outbox.some((r) => r.id === l.row && r.status === "sent")) fail(`späte Antwort auf Schritt ${l.step} nie gezeigt`);
      const openIncidents = view.incidents.filter((id) => !view.closed.has(id));
      if (openIncidents.length) fail(`noch offen: ${openIncidents.join(", ")}`);
      const pendingTimers = view.timers.filter((t) => !t.firedAt && !t.cancelledAt);
      if (pendingTimers.length) fail(`Timer nie ausgelöst: ${pendingTimers.map((t) => t.id).join(", ")}`);

      return {
        label: o.label,
        seed: o.seed,
        steps: script.length,
        runs: run,
        kills,
        distinctPoints: points.size,
        repeats,
        resent,
        answeredAfterRestart: lateAnswers.length,
        timerPulls,
        timersFired: view.timers.filter((t) => t.firedAt).length,
        timerMessages: timerKeys.size,
        messages: view.outbox.length,
        shown: [...shown.values()].reduce((a, b) => a + b, 0),
        ms: Date.now() - t0,
      };
    }
  } finally {
    if (current && !current.killed) {
      current.kill();
      await current.exited.catch(() => {});
    }
    db.close();
  }
}
