/**
 * The scripted incidents the crash tests feed to the bot: role claims and hand-overs, answers, acks, dones,
 * skips, notes, free text, status, templates, escalation, phase advances with reasons, review answers,
 * export and closure, over several incidents. Built from the real playbooks with a seeded generator, so
 * the same seed gives the same script. Every step says how the test recognises in the database that it
 * was applied (its effect) and which message is the bot's answer to it.
 */

import type { TimelineEntry } from "../../src/core/ports.ts";
import { numberedTasks } from "../../src/machines/conditions.ts";
import type { PlaybookLibrary } from "../../src/machines/loader.ts";
import { type Playbook, type RoleId, WORK_PHASES } from "../../src/machines/schema.ts";
import { type Rng, rng } from "./_rng.ts";

/** How a step shows in the database once applied. */
export type Effect =
  /** A new incident (counted over all incidents). */
  | { on: "incident" }
  /** A timeline entry of the step's incident. */
  | { on: "timeline"; test: (e: TimelineEntry) => boolean }
  /** An outgoing message of the step's incident (steps that write nothing to the timeline, e.g. status). */
  | { on: "outbox"; key: RegExp };

/** One inbound event of the script, platform-neutral. */
export interface Step {
  /** Position in the script (0-based). */
  i: number;
  /** Person speaking. */
  who: string;
  /** What they type, without any command prefix. */
  text: string;
  /** Typed as a bot command (`/notfall …`) or as a plain message in the incident's thread. */
  command: boolean;
  /** Incident the step belongs to: 1 for the first incident the script opens, 2 for the second … */
  incident: number;
  effect: Effect;
  /** Steps up to and including this one with the same effect signature: applied ⇔ matching entries ≥ ordinal. */
  ordinal: number;
  /** Effect signature (incident + what is matched), for ordinals and the exactly-once check. */
  sig: string;
  /** Outbox key of the bot's answer (every step has one: free text gets a 📝 acknowledgement). */
  answer?: RegExp;
  /** Text the answer must contain (notes: "Notiert"). */
  answerText?: RegExp;
}

export interface ScriptOptions {
  /** Playbook ids of the incidents, in order; the first one named `drill` is opened as an exercise. */
  incidents: { playbook: string; drill?: boolean }[];
  /**
   * The platform's actor id of a person of the script (`anna` → `U0ANNA` on Slack), as the timeline records it.
   * Default: the name itself (terminal).
   */
  actorId?: (who: string) => string;
}

const FREE_TEXT = [
  "Die Telefonanlage geht wieder",
  "Drucker im Empfang zeigt eine seltsame Meldung",
  "Wir haben den Dienstleister am Handy erreicht",
  "Die Kasse läuft im Notbetrieb auf Papier",
  "Hausmeister bringt die Sicherungsplatte aus dem Keller",
  "Die Kollegin aus dem Labor hat den Bildschirm fotografiert",
];
const NOTES = [
  "Server vom Netz genommen",
  "Anruf beim Dienstleister",
  "Foto vom Bildschirm gemacht",
  "Versicherung informiert",
  "Mitarbeitende per SMS gewarnt",
];

/** Build the script. Markers (`k0001` …) in notes, free text and reasons are unique within one script. */
export function buildScript(rng: Rng, playbooks: PlaybookLibrary, opts: ScriptOptions): Step[] {
  const steps: Step[] = [];
  const ordinals = new Map<string, number>();
  let tok = 0;
  const token = () => `k${String(++tok).padStart(4, "0")}`;
  const actorId = opts.actorId ?? ((who: string) => who);
  const add = (s: Omit<Step, "i" | "ordinal">) => {
    const ordinal = (ordinals.get(s.sig) ?? 0) + 1;
    ordinals.set(s.sig, ordinal);
    steps.push({ ...s, i: steps.length, ordinal });
  };

  opts.incidents.forEach((spec, idx) => {
    const n = idx + 1;
    const pb = playbooks.get(spec.playbook);
    if (!pb) throw new Error(`Playbook ${spec.playbook} fehlt`);
    // In every second incident the communication role stays free for a while (role reminders have work to do);
    // until it is claimed, the coordinator does its tasks.
    const lateComms = n % 2 === 0;
    const holders: Record<RoleId, string> = { koordinator: "anna", technik: "ben", kommunikation: lateComms ? "anna" : "cem" };
    const entry = (kind: string, actor: string, more: (e: TimelineEntry) => boolean = () => true) => ({
      on: "timeline" as const,
      test: (e: TimelineEntry) => e.kind === kind && e.actorId === actorId(actor) && more(e),
    });
    const data = (e: TimelineEntry) => (e.data ?? {}) as Record<string, unknown>;
    let statuses = 0;
    const templatesShown = new Set<string>();
    const plainTemplates = pb.templates.filter((t) => !t.when).map((t) => t.id);

    /** Notes, free text, status and templates between the main steps. */
    const sprinkle = () => {
      const who = rng.pick(Object.values(holders));
      const r = rng.next();
      if (r < 0.1) {
        const t = token();
        add({
          who,
          text: `notiz ${rng.pick(NOTES)} ${t}`,
          command: rng.chance(0.5),
          incident: n,
          effect: entry("note", who, (e) => e.text.includes(t)),
          sig: `${n}|note|${t}`,
          answer: /\/reply\/[a-z]+:/,
          answerText: /Notiert/,
        });
      } else if (r < 0.2) {
        const t = token();
        add({
          who,
          text: `${rng.pick(FREE_TEXT)} ${t}`,
          command: false,
          incident: n,
          effect: entry("text", who, (e) => e.text.includes(t)),
          sig: `${n}|text|${t}`,
          // documented and acknowledged lightly: 📝 as a reaction on the line where the platform has reactions, else one short line
          answer: /\/(ack|reply)\/[a-z]+:[^/]+$/,
          answerText: /📝/,
        });
      } else if (r < 0.23 && statuses < 3) {
        statuses++;
        add({
          who,
          text: "status",
          command: rng.chance(0.5),
          incident: n,
          effect: { on: "outbox", key: /\/status\// },
          sig: `${n}|status`,
          answer: /\/status\//,
        });
      } else if (r < 0.26) {
        const tpl = plainTemplates.find((x) => !templatesShown.has(x));
        if (!tpl) return;
        templatesShown.add(tpl);
        add({
          who,
          text: `vorlage ${tpl}`,
          command: rng.chance(0.5),
          incident: n,
          effect: entry("template", who, (e) => data(e).template === tpl),
          sig: `${n}|template|${tpl}`,
          answer: new RegExp(`/template/${tpl}/\\d+$`),
        });
      }
    };
    const role = (who: string, r: RoleId, target?: string) => {
      const holder = target ?? who;
      add({
        who,
        text: `rolle ${r}${target ? ` @${target}` : ""}`,
        command: rng.chance(0.5),
        incident: n,
        effect: entry("role", who, (e) => data(e).role === r && data(e).actorId === actorId(holder)),
        sig: `${n}|role|${r}|${holder}|${who}`,
        // the role's task card of the current phase with the new holder on top, the first time the role gets that card;
        // a message of its own (keyed by the step) when the card was posted before
        answer: new RegExp(`/(role/${r}/\\d+|tasks/[a-z]+/${r})$`),
        answerText: /ist jetzt/,
      });
      holders[r] = holder;
    };

    const desc = token();
    add({
      who: "emil",
      text: `${spec.drill ? "übung " : ""}${pb.id} Lage ${desc}`,
      command: true,
      incident: n,
      effect: { on: "incident" },
      sig: "incident",
      answer: /^NF-\d{4}-\d{4,}\/header$/,
    });
    role("anna", "koordinator");
    role("anna", "technik", "ben");
    if (!lateComms) role("cem", "kommunikation");
    sprinkle();

    pb.questions.forEach((q, qi) => {
      const value =
        q.kind === "time"
          ? rng.pick(["vor 2 stunden", "vor 45 minuten", "jetzt"])
          : q.kind === "yesno"
            ? rng.pick(["ja", "nein", "unklar", "ja"])
            : `Angabe ${token()}`;
      add({
        who: "anna",
        text: `antwort ${qi + 1} ${value}`,
        command: rng.chance(0.5),
        incident: n,
        effect: entry("answer", "anna", (e) => data(e).question === q.id),
        sig: `${n}|answer|${q.id}`,
        answer: /\/answer\/\d+$/,
      });
      sprinkle();
    });
    if (n === 1) {
      add({
        who: "anna",
        text: "eskalieren katastrophe",
        command: true,
        incident: n,
        effect: entry("level", "anna", (e) => data(e).to === "katastrophe"),
        sig: `${n}|level|katastrophe`,
        answer: /\/level\/\d+$/,
      });
    }

    const tasks = numberedTasks(pb as Playbook).filter((t) => !t.when);
    WORK_PHASES.forEach((phase, pi) => {
      if (lateComms && phase === "sofort") role("cem", "kommunikation");
      if (n === 1 && phase === "wiederherstellung") role("anna", "kommunikation", "dora");
      for (const task of rng.shuffle(tasks.filter((t) => t.phase === phase))) {
        const who = holders[task.role as RoleId];
        const taskStep = (verb: "bestätigt" | "erledigt" | "übersprungen", text: string) =>
          add({
            who,
            text,
            command: rng.chance(0.4),
            incident: n,
            effect: entry("task", who, (e) => data(e).nr === task.nr && data(e).state === verb),
            sig: `${n}|task|${task.nr}|${verb}`,
            // a separate message in the terminal; where messages can be edited, the role's task list is updated instead
            answer: /\/(task-change\/\d+|tasks\/[^/]+\/[^/]+|task\/\d+)$/,
          });
        if (rng.chance(0.07)) {
          taskStep("übersprungen", `überspringen ${task.nr} entfällt hier ${token()}`);
        } else {
          if (rng.chance(0.6)) taskStep("bestätigt", rng.pick([`ok ${task.nr}`, `bestätigt ${task.nr}`, `👍 ${task.nr}`]));
          if (rng.chance(0.9)) taskStep("erledigt", rng.pick([`erledigt ${task.nr}`, `✅ ${task.nr}`]));
        }
        sprinkle();
      }
      if (phase === "nachbereitung") {
        const picked = rng.shuffle(pb.review.map((_, ri) => ri)).slice(0, rng.int(3, 6));
        for (const ri of picked) {
          const q = pb.review[ri]!;
          add({
            who: "anna",
            text: `antwort L${ri + 1} Erkenntnis ${token()}`,
            command: rng.chance(0.5),
            incident: n,
            effect: entry("review", "anna", (e) => data(e).question === q.id),
            sig: `${n}|review|${q.id}`,
            answer: /\/review$/,
          });
        }
        add({
          who: "anna",
          text: "export",
          command: true,
          incident: n,
          effect: entry("export", "anna"),
          sig: `${n}|export`,
          answer: /\/export\/\d+$/,
        });
        add({
          who: "anna",
          text: `abschließen Abschluss ${token()}`,
          command: true,
          incident: n,
          effect: entry("closed", "anna"),
          sig: `${n}|closed`,
          answer: /\/summary$/,
        });
        return;
      }
      const next = WORK_PHASES[pi + 1]!;
      add({
        who: "anna",
        text: `weiter ${rng.pick(["Dienstleister übernimmt", "Lage ist klar", "Sicherung geprüft", "Geräte sind getrennt"])} ${token()}`,
        command: rng.chance(0.5),
        incident: n,
        effect: entry("phase", "anna", (e) => data(e).to === next),
        sig: `${n}|phase|${next}`,
        answer: new RegExp(`/phase/${next}$`),
      });
    });
  });
  return steps;
}

/** Message keys of timer effects (reminders and missed deadlines): each may be posted at most once. */
export const TIMER_MESSAGE =
  /\/(roles-reminder\/\d+|question-reminder\/[^/]+\/[^/]+|task-due\/.+|deadline\/[^/]+\/(reminder|urgent)\/.+|deadline\/[^/]+\/missed)$/;
/** Timeline kinds written by timers, one per timer message. */
export const TIMER_ENTRY_KINDS = new Set(["reminder", "deadline-missed"]);

/**
 * A script of at least `minSteps` events from one seed: the big ransomware playbook, then other incident types
 * (the second one a drill) until it is long enough.
 */
export function crashScript(
  seed: number,
  playbooks: PlaybookLibrary,
  minSteps: number,
  opts: Omit<ScriptOptions, "incidents"> = {},
): Step[] {
  const r = rng(seed);
  const others = r.shuffle(
    playbooks
      .list()
      .map((p) => p.id)
      .filter((id) => id !== "verschluesselung"),
  );
  const incidents: ScriptOptions["incidents"] = [{ playbook: "verschluesselung" }];
  for (;;) {
    const script = buildScript(rng(seed), playbooks, { ...opts, incidents });
    if (script.length >= minSteps) return script;
    const next = others[incidents.length - 1];
    if (!next) return script;
    incidents.push({ playbook: next, ...(incidents.length === 1 ? { drill: true } : {}) });
  }
}
