import type { Level, Playbook, RoleId } from "../machines/schema.ts";
import { matchPlaybooks, type Ranked } from "./match/index.ts";
import { closestWord, fold, tolerance } from "./text.ts";

export type TaskVerb = "bestätigt" | "erledigt" | "übersprungen";

/** A parsed command line. Parsing is pure and total: every input gives a Command, never an exception. */
export type Command =
  | { kind: "help" }
  /** `force`: `/notfall neu …`, open even while an incident of the same type runs in the channel. */
  | { kind: "open"; playbookId: string; description: string; drill: boolean; force?: true }
  /** `all`: "etwas anderes" was chosen, offer every type. `text` is the description as typed. */
  | { kind: "choose-type"; text: string; candidates: TypeCandidate[]; drill: boolean; force?: true; all?: true }
  /**
   * `handover`: `rolle <rolle> übergeben @person <Grund>`; `takeover`: the reason why the asker takes a role whose
   * holder cannot be reached (`rolle koordinator übernehmen <Grund>`).
   */
  | { kind: "role"; role: RoleId; target?: string; release?: boolean; handover?: { reason: string }; takeover?: string }
  /** `ok rolle [rolle]`: the person asked by the emergency plan confirms (or the primary takes the role back). */
  | { kind: "role-confirm"; role?: RoleId }
  | { kind: "status"; id?: string }
  /** `aufgaben` (every task so far) / `meine aufgaben` (the asker's roles, with reasons). */
  | { kind: "tasks"; mine: boolean }
  | { kind: "task"; verb: TaskVerb; nrs: number[]; reason?: string }
  | { kind: "template"; name?: string }
  | { kind: "note"; text: string }
  /** `ausfall <Nr|Name>` (a system is down: its RTO clock starts), `ausfall <Nr> behoben` (back in operation). */
  | { kind: "outage"; ref: string; back?: true }
  | { kind: "escalate"; level?: Level; raw: string }
  | { kind: "advance"; reason?: string }
  | { kind: "close"; reason?: string }
  | { kind: "export"; id?: string }
  | { kind: "handbook" }
  | { kind: "answer"; ref: string; value: string }
  | { kind: "text"; text: string }
  | { kind: "error"; error: ParseError };

/**
 * A playbook offered when the type is unclear, best first, with the matcher's score. The menu shows the playbook's
 * title and `erkennen:` line (see `menuOptions` in src/core/match), never the bare id; `text` of the command is
 * the description as typed and goes with whichever type is chosen.
 */
export interface TypeCandidate {
  id: string;
  score: number;
}

export type ParseError =
  | { code: "role-missing" }
  | { code: "role-unknown"; given: string; suggestion?: RoleId }
  | { code: "handover-incomplete"; role: RoleId; target?: string }
  | { code: "task-nr-missing"; verb: TaskVerb }
  | { code: "skip-reason-missing"; nr: number }
  | { code: "note-empty" }
  | { code: "answer-missing" }
  | { code: "type-missing"; drill: boolean }
  | { code: "unknown"; given: string; suggestion?: string };

const KEYWORDS: Record<string, string[]> = {
  help: ["hilfe", "help", "?", "befehle", "commands"],
  drill: ["uebung", "drill", "exercise", "test-notfall"],
  force: ["neu", "new"],
  other: ["anderes"],
  role: ["rolle", "role", "rollen", "roles"],
  status: ["status", "stand", "lage", "overview"],
  tasks: ["aufgaben", "tasks", "todo", "todos"],
  mine: ["meine", "my"],
  done: ["erledigt", "done", "fertig", "✅", "x", "check"],
  ack: ["ok", "okay", "bestaetigt", "bestaetigen", "ack", "acknowledge", "👍", "👀", "uebernehme", "mache"],
  skip: ["ueberspringen", "uebersprungen", "skip", "entfaellt"],
  template: ["vorlage", "vorlagen", "template", "templates", "text"],
  note: ["notiz", "note", "doku", "dokumentation", "log"],
  outage: ["ausfall", "down", "outage"],
  escalate: ["eskalieren", "escalate", "stufe", "level"],
  advance: ["weiter", "next", "advance", "naechste", "naechster"],
  close: ["abschliessen", "abschluss", "close", "schliessen", "beenden", "ende"],
  export: ["export", "exportieren", "bericht", "report"],
  handbook: ["handbuch", "handbook", "notfallhandbuch"],
  answer: ["antwort", "answer", "frage", "a"],
};
const KEYWORD_OF = new Map<string, string>();
for (const [k, words] of Object.entries(KEYWORDS)) for (const w of words) KEYWORD_OF.set(w, k);

const ROLE_WORDS: Record<string, RoleId> = {
  koordinator: "koordinator",
  koordinatorin: "koordinator",
  koordination: "koordinator",
  coordinator: "koordinator",
  leitung: "koordinator",
  k: "koordinator",
  technik: "technik",
  technisch: "technik",
  techniker: "technik",
  technikerin: "technik",
  tech: "technik",
  it: "technik",
  technical: "technik",
  t: "technik",
  kommunikation: "kommunikation",
  kommunikator: "kommunikation",
  komm: "kommunikation",
  communication: "kommunikation",
  comms: "kommunikation",
  aussen: "kommunikation",
  presse: "kommunikation",
  a: "kommunikation",
};

const LEVEL_WORDS: Record<string, Level> = {
  stoerung: "stoerung",
  incident: "stoerung",
  disruption: "stoerung",
  notfall: "notfall",
  emergency: "notfall",
  krise: "krise",
  crisis: "krise",
  katastrophe: "katastrophe",
  disaster: "katastrophe",
  catastrophe: "katastrophe",
};

export interface ParseOptions {
  /** `command`: typed with the prefix (may open incidents). `reply`: free text in a thread (never opens one). */
  mode: "command" | "reply";
}

/** Split off the first word, keeping the rest verbatim. */
function head(text: string): [string, string] {
  const t = text.trim();
  const m = /^(\S+)\s*([\s\S]*)$/.exec(t);
  return m ? [m[1]!, m[2]!.trim()] : ["", ""];
}

/** Longest range `erledigt 5-7` expands (the playbooks have about 30 tasks). */
const MAX_RANGE = 60;

function parseNrs(rest: string): { nrs: number[]; tail: string } {
  const nrs: number[] = [];
  let tail = rest;
  for (;;) {
    // "5-7", "5 – 7", "5 bis 7": every task from 5 to 7
    const range = /^(?:nr\.?\s*|#)?(\d{1,4})\s*(?:-|–|bis|to)\s*(\d{1,4})(?:\s*[,;+&]\s*|\s+und\s+|\s+|$)/i.exec(tail);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to >= from && to - from < MAX_RANGE) for (let n = from; n <= to; n++) nrs.push(n);
      else nrs.push(from, to);
      tail = tail.slice(range[0].length);
      continue;
    }
    const m = /^(?:nr\.?\s*|#)?(\d{1,4})(?:\s*[,;+&]\s*|\s+und\s+|\s+|$)/i.exec(tail);
    if (!m) break;
    nrs.push(Number(m[1]));
    tail = tail.slice(m[0].length);
  }
  return { nrs, tail: tail.trim() };
}

/**
 * Thread replies are mostly conversation ("Status: Server läuft wieder", "ok, mache ich", "Ende der Besprechung").
 * There only the canonical command words count, without typo tolerance, and only in their command shape:
 * task verbs need a number, `status`/`hilfe`/`export`/`handbuch` stand alone, `antwort` needs a number and an answer.
 */
const REPLY_WORDS = new Set([
  "hilfe",
  "help",
  "rolle",
  "role",
  "status",
  "aufgaben",
  "tasks",
  "meine",
  "my",
  "erledigt",
  "done",
  "ok",
  "bestaetigt",
  "ack",
  "ueberspringen",
  "skip",
  "vorlage",
  "template",
  "notiz",
  "note",
  "ausfall",
  "down",
  "eskalieren",
  "escalate",
  "weiter",
  "next",
  "abschliessen",
  "close",
  "export",
  "handbuch",
  "handbook",
  "antwort",
  "answer",
  "✅",
  "👍",
]);
/** `ausfall 1`, `ausfall PVS`, `ausfall 1 behoben`: the tail of an outage report in a thread (one word, maybe "behoben"). */
const OUTAGE_NR = /^[^\s]+(?:\s+(?:behoben|wieder\s+da|läuft\s+wieder|laeuft\s+wieder|back|up|fixed))?$/i;
/** `/notfall ausfall 1 [behoben]`: with the prefix (where a line may declare an emergency) only by number. */
const OUTAGE_CMD = /^\d+(?:\s+(?:behoben|wieder\s+da|läuft\s+wieder|laeuft\s+wieder|back|up|fixed))?$/i;
/** `ausfall PVS behoben`, `down 1 fixed`: the system is back in operation. */
const OUTAGE_BACK = /^(.+?)\s+(?:behoben|wieder\s+da|läuft\s+wieder|laeuft\s+wieder|back|up|fixed)$/i;
/** `ok rolle`, `ok rolle technik`, `ok role`: the tail after `ok` that confirms a role. */
const ROLE_CONFIRM = /^(?:rolle|role)(?:\s+(\S+))?\s*$/i;

function replyKeyword(word: string, rest: string): { key?: string; suggestion?: string } {
  const key = KEYWORD_OF.get(word);
  const tail = rest.trim();
  // every task word counts when a task number follows: "fertig 3", "x 3", "check 3"
  if (key && (key === "done" || key === "ack" || key === "skip") && /^(?:nr\.?\s*|#)?\d/i.test(tail)) return { key };
  if (!key || !REPLY_WORDS.has(word)) return {};
  switch (key) {
    case "help":
    case "handbook":
    case "tasks":
      return tail ? {} : { key };
    case "mine":
      return /^(aufgaben|tasks)$/i.test(tail) ? { key } : {};
    case "status":
    case "export":
      return !tail || /^NF-\d{4}-\d{4,}$/i.test(tail) ? { key } : {};
    case "ack":
      return /^(?:nr\.?\s*|#)?\d/i.test(tail) || ROLE_CONFIRM.test(tail) ? { key } : {};
    case "done":
    case "skip":
      return /^(?:nr\.?\s*|#)?\d/i.test(tail) ? { key } : {};
    case "answer":
      return /^\S+\s+\S/.test(tail) ? { key } : {};
    case "outage":
      // "Ausfall der Telefonanlage seit 9 Uhr" is conversation: in a thread only alone or with one word (number or name)
      return !tail || OUTAGE_NR.test(tail) ? { key } : {};
    default:
      return { key };
  }
}

/** Map a first word (folded) to a keyword, allowing small typos. */
function keywordFor(word: string): { key?: string; suggestion?: string } {
  const exact = KEYWORD_OF.get(word);
  if (exact) return { key: exact };
  const best = closestWord(
    word,
    [...KEYWORD_OF.keys()].filter((w) => w.length >= 4),
    tolerance,
  );
  return best ? { suggestion: best.word } : {};
}

export function parseRole(word: string): { role?: RoleId; suggestion?: RoleId } {
  const f = fold(word).replace(/^-+|-+$/g, "");
  if (ROLE_WORDS[f]) return { role: ROLE_WORDS[f] };
  if (f.startsWith("technische") || f.startsWith("technischer")) return { role: "technik" };
  if (f.startsWith("it-notfall") || f.startsWith("notfall-koord")) return { role: "koordinator" };
  const near = closestWord(
    f,
    Object.keys(ROLE_WORDS).filter((w) => w.length > 3),
    tolerance,
  );
  return near ? { suggestion: ROLE_WORDS[near.word]! } : {};
}

export function parseLevel(word: string): Level | undefined {
  return LEVEL_WORDS[fold(word)];
}

export interface TypeMatch {
  /** Best playbook, when one clearly fits. */
  id?: string;
  /** What to offer when asking (at most three, best first); with `id` the winner alone. */
  candidates: TypeCandidate[];
}

/**
 * Find the playbook for a free-text description (see src/core/match): opens only when one clearly fits, else
 * offers up to three candidates with their scores.
 */
export function matchType(text: string, playbooks: readonly Playbook[]): TypeMatch {
  const m = matchPlaybooks(text, playbooks);
  const candidates = m.candidates.map(candidate);
  return m.verdict === "open" && m.id ? { id: m.id, candidates } : { candidates };
}

function candidate(r: Ranked): TypeCandidate {
  return { id: r.id, score: r.score };
}

/** Parse one command line (prefix already removed by the adapter). */
export function parseCommand(input: string, playbooks: readonly Playbook[], opts: ParseOptions = { mode: "command" }): Command {
  const text = input.trim();
  if (!text) return opts.mode === "command" ? { kind: "help" } : { kind: "text", text };
  const [first, rest] = head(text);
  // "Hilfe!!!", "status?": punctuation after the word does not change it
  const word = fold(first)
    .replace(/^[/!]+/, "")
    .replace(/(?<=\p{L})[!.:,;]+$/u, "");
  // "✅ 3", "✅3"
  const glued = /^(✅|👍|👀)\s*(\d.*)$/u.exec(text);
  if (glued) return taskCommand(glued[1] === "✅" ? "erledigt" : "bestätigt", glued[2]!);
  const kw = opts.mode === "reply" ? replyKeyword(word, rest) : keywordFor(word);
  switch (kw.key) {
    case "help":
      return { kind: "help" };
    case "drill": {
      // a thread reply never opens an incident ("Übung macht den Meister" is chat)
      if (opts.mode === "reply") return { kind: "text", text };
      if (!rest) return { kind: "error", error: { code: "type-missing", drill: true } };
      return declaration(rest, playbooks, true, false);
    }
    case "force":
    case "other":
      // "neu <text>" (open another incident of a running type), "anderes <text>" (the menu's "something else")
      if (opts.mode === "reply") return { kind: "text", text };
      return declaration(text, playbooks, false, false);
    case "role": {
      const [roleWord, target] = head(rest);
      if (!roleWord) return { kind: "error", error: { code: "role-missing" } };
      const r = parseRole(roleWord);
      if (!r.role)
        return { kind: "error", error: { code: "role-unknown", given: roleWord, ...(r.suggestion ? { suggestion: r.suggestion } : {}) } };
      const t = target.trim();
      if (/^(abgeben|frei|niemand|release|none)$/i.test(t)) return { kind: "role", role: r.role, release: true };
      const hand = /^(?:übergeben|uebergeben|übergabe|uebergabe|handover|hand-over)(?:\s+an)?(?:\s+(\S+))?(?:\s+([\s\S]*))?$/i.exec(t);
      if (hand) {
        const [, who, reason] = hand;
        if (!who || !reason?.trim())
          return { kind: "error", error: { code: "handover-incomplete", role: r.role, ...(who ? { target: who } : {}) } };
        return { kind: "role", role: r.role, target: who, handover: { reason: reason.trim() } };
      }
      if (!t || /^(ich|mich|me|myself|selbst)$/i.test(t)) return { kind: "role", role: r.role };
      // "rolle koordinator übernehmen Anna seit 20 min nicht erreichbar": the holder is unreachable
      const takeover = /^(?:übernehmen|uebernehmen|takeover|take\s+over)(?:\s+([\s\S]*))?$/i.exec(t);
      if (takeover) return { kind: "role", role: r.role, takeover: (takeover[1] ?? "").trim() };
      return { kind: "role", role: r.role, target: t };
    }
    case "status":
      return withId({ kind: "status" }, rest);
    case "tasks":
      return { kind: "tasks", mine: false };
    case "mine":
      if (/^(aufgaben|tasks|todos?)$/i.test(fold(rest))) return { kind: "tasks", mine: true };
      break;
    case "done":
      return taskCommand("erledigt", rest);
    case "ack": {
      const confirm = ROLE_CONFIRM.exec(rest.trim());
      if (confirm) {
        if (!confirm[1]) return { kind: "role-confirm" };
        const r = parseRole(confirm[1]);
        if (!r.role)
          return {
            kind: "error",
            error: { code: "role-unknown", given: confirm[1], ...(r.suggestion ? { suggestion: r.suggestion } : {}) },
          };
        return { kind: "role-confirm", role: r.role };
      }
      return taskCommand("bestätigt", rest);
    }
    case "skip":
      return taskCommand("übersprungen", rest);
    case "template":
      return rest ? { kind: "template", name: rest } : { kind: "template" };
    case "note":
      return rest ? { kind: "note", text: rest } : { kind: "error", error: { code: "note-empty" } };
    case "outage": {
      // "/notfall Ausfall Server" declares an emergency; with the prefix only a system's number reports an outage
      if (opts.mode === "command" && !OUTAGE_CMD.test(rest.trim())) break;
      const back = OUTAGE_BACK.exec(rest.trim());
      return back ? { kind: "outage", ref: back[1]!.trim(), back: true } : { kind: "outage", ref: rest.trim() };
    }
    case "escalate": {
      const lvl = parseLevel(head(rest)[0]);
      return lvl ? { kind: "escalate", level: lvl, raw: rest } : { kind: "escalate", raw: rest };
    }
    case "advance":
      return rest ? { kind: "advance", reason: rest } : { kind: "advance" };
    case "close":
      return rest ? { kind: "close", reason: rest } : { kind: "close" };
    case "export":
      return withId({ kind: "export" }, rest);
    case "handbook":
      return { kind: "handbook" };
    case "answer": {
      const [ref, value] = head(rest);
      if (!ref || !value) return { kind: "error", error: { code: "answer-missing" } };
      return { kind: "answer", ref: ref.replace(/^#/, ""), value };
    }
  }
  if (opts.mode === "reply") return { kind: "text", text };
  // "stauts", "erldigt 3": a mistyped command word, unless the line plainly describes an emergency
  if (kw.suggestion && !matchPlaybooks(text, playbooks).ranking.some((r) => !r.guessOnly))
    return { kind: "error", error: { code: "unknown", given: first, suggestion: suggestionWith(kw.suggestion, rest) } };
  return openCommand(text, playbooks, false);
}

/** `export NF-2026-0001`: an explicit incident id (for closed incidents or outside the thread). */
function withId<T extends { kind: "status" | "export" }>(cmd: T, rest: string): T & { id?: string } {
  const m = /\bNF-\d{4}-\d{4,}\b/i.exec(rest);
  return m ? { ...cmd, id: m[0].toUpperCase() } : cmd;
}

function taskCommand(verb: TaskVerb, rest: string): Command {
  const { nrs, tail } = parseNrs(rest);
  if (nrs.length === 0) return { kind: "error", error: { code: "task-nr-missing", verb } };
  if (verb === "übersprungen" && !tail) return { kind: "error", error: { code: "skip-reason-missing", nr: nrs[0]! } };
  return tail ? { kind: "task", verb, nrs, reason: tail } : { kind: "task", verb, nrs };
}

/**
 * A declaration after `/notfall` (and `übung`): `neu …` forces a new incident although one of the same type runs,
 * `anderes …` asks with every type (the menu's "etwas anderes"), anything else is matched.
 */
function declaration(text: string, playbooks: readonly Playbook[], drill: boolean, force: boolean): Command {
  const [first, rest] = head(text);
  const key = KEYWORD_OF.get(fold(first));
  if (key === "force" && !force) {
    if (!rest) return { kind: "error", error: { code: "type-missing", drill } };
    return declaration(rest, playbooks, drill, true);
  }
  if (key === "drill" && !drill && rest) return declaration(rest, playbooks, true, force);
  if (key === "other") return { kind: "choose-type", text: rest, candidates: [], drill, all: true, ...(force ? { force } : {}) };
  const cmd = openCommand(text, playbooks, drill);
  return force && (cmd.kind === "open" || cmd.kind === "choose-type") ? { ...cmd, force } : cmd;
}

function openCommand(text: string, playbooks: readonly Playbook[], drill: boolean): Command {
  // "geraeteverlust Daten verloren nach Serverabsturz": a type named by its id (a menu button, or typed from a menu
  // or the help) is that type, whatever the description says; the description is kept
  const [word, after] = head(text);
  const named = playbooks.find((p) => fold(p.id) === fold(word));
  if (named) return { kind: "open", playbookId: named.id, description: after, drill };
  const m = matchType(text, playbooks);
  if (m.id) {
    // "/notfall verschluesselung Server zeigt Erpressernachricht": the first word names the type, the rest describes
    const [first, rest] = head(text);
    const pb = playbooks.find((p) => p.id === m.id)!;
    const firstIsType = [pb.id, ...pb.triggers].some((t) => fold(t) === fold(first));
    return { kind: "open", playbookId: m.id, description: firstIsType ? rest : text, drill };
  }
  return { kind: "choose-type", text, candidates: m.candidates, drill };
}

/**
 * A line typed inside a running incident that is no command, sorted by what the person needs back (issue #10:
 * never silent): a mistyped command gets a suggestion, a task word without a number the question which one, a
 * question or cry for help the asker's next step, everything else (conversation, reports from the room) is
 * documented and lightly acknowledged.
 */
export type LineKind = { kind: "typo"; suggestion: string } | { kind: "nr-missing"; verb: TaskVerb } | { kind: "help" } | { kind: "chat" };

/** Command words a typo is compared with in a thread, and the shape of what must follow them. */
const TYPO_WORDS: Record<string, "nr" | "alone" | "arg" | "any"> = {
  erledigt: "nr",
  bestaetigt: "nr",
  ueberspringen: "nr",
  status: "alone",
  hilfe: "alone",
  aufgaben: "alone",
  handbuch: "alone",
  export: "alone",
  abschliessen: "any",
  weiter: "any",
  vorlage: "any",
  notiz: "arg",
  antwort: "arg",
  rolle: "arg",
  eskalieren: "any",
};
const CANONICAL: Record<string, string> = {
  bestaetigt: "bestätigt",
  bestaetigen: "bestätigen",
  ueberspringen: "überspringen",
  uebersprungen: "übersprungen",
  abschliessen: "abschließen",
  schliessen: "schließen",
  uebernehme: "übernehme",
  naechste: "nächste",
  naechster: "nächster",
  entfaellt: "entfällt",
};

/** "erledigt 3": the suggested command word (as people write it) with what followed the mistyped one. */
function suggestionWith(word: string, rest: string): string {
  const canonical = CANONICAL[word] ?? word;
  if (!rest) return canonical;
  return `${canonical} ${rest.length > 60 ? `${rest.slice(0, 60).replace(/\s+\S*$/, "")} …` : rest}`;
}

/** Questions and cries for help, on the folded text (ä→ae, ß→ss, punctuation gone). */
const HELP_CRY = [
  /\b(hilfe|help|sos)\b/,
  /\bwas\s+(soll|sollen|muss|muessen|kann|koennen|mache|machen|tue|tun)\s+(ich|wir|man)\b/,
  /\bwas\s+(jetzt|nun|tun)\b/,
  /\bwas\s+ist\s+zu\s+tun\b/,
  /\bwie\s+geht\s*(es|s)?\s+(es\s+)?weiter\b/,
  /\bwie\s+weiter\b/,
  /\bich\s+weiss\s+nicht\s+(weiter|was)\b/,
  /\bkeine\s+ahnung\s+was\b/,
  /\bwhat\s+(should|do|must|can)\s+(i|we)\s+do\b/,
  /\bwhat\s+now\b/,
];

/** What a non-command line inside an incident is (pure; see {@link LineKind}). */
export function classifyLine(text: string): LineKind {
  const raw = text.trim();
  // "?", "??", "?!": a question without words
  if (/^[?!¿\s]*\?[?!\s]*$/.test(raw)) return { kind: "help" };
  const folded = fold(raw);
  if (HELP_CRY.some((re) => re.test(folded))) return { kind: "help" };
  const [first, rest] = head(raw);
  const word = fold(first)
    .replace(/^[/!]+/, "")
    .replace(/[!.:,;]+$/, "");
  // a task word alone: which task?
  if (!rest && /^(erledigt|done|fertig|✅)$/.test(word)) return { kind: "nr-missing", verb: "erledigt" };
  if (!word || KEYWORD_OF.has(word) || word.length < 4) return { kind: "chat" };
  const near = closestWord(word, Object.keys(TYPO_WORDS), tolerance);
  if (!near) return { kind: "chat" };
  const shape = TYPO_WORDS[near.word]!;
  const fits =
    shape === "nr"
      ? /^(?:nr\.?\s*|#)?\d/i.test(rest)
      : shape === "alone"
        ? !rest || /^NF-\d{4}-\d{4,}$/i.test(rest)
        : shape === "arg"
          ? rest.length > 0
          : true;
  if (!fits) return { kind: "chat" };
  return { kind: "typo", suggestion: suggestionWith(near.word, rest) };
}
