import type { Level, Playbook, RoleId } from "../machines/schema.ts";
import { editDistance, fold, tolerance } from "./text.ts";

export type TaskVerb = "bestätigt" | "erledigt" | "übersprungen";

/** A parsed command line. Parsing is pure and total: every input gives a Command, never an exception. */
export type Command =
  | { kind: "help" }
  | { kind: "open"; playbookId: string; description: string; drill: boolean }
  | { kind: "choose-type"; text: string; candidates: string[]; drill: boolean }
  | { kind: "role"; role: RoleId; target?: string; release?: boolean }
  | { kind: "status"; id?: string }
  | { kind: "task"; verb: TaskVerb; nrs: number[]; reason?: string }
  | { kind: "template"; name?: string }
  | { kind: "note"; text: string }
  | { kind: "escalate"; level?: Level; raw: string }
  | { kind: "advance"; reason?: string }
  | { kind: "close"; reason?: string }
  | { kind: "export"; id?: string }
  | { kind: "handbook" }
  | { kind: "answer"; ref: string; value: string }
  | { kind: "text"; text: string }
  | { kind: "error"; error: ParseError };

export type ParseError =
  | { code: "role-missing" }
  | { code: "role-unknown"; given: string; suggestion?: RoleId }
  | { code: "task-nr-missing"; verb: TaskVerb }
  | { code: "skip-reason-missing"; nr: number }
  | { code: "note-empty" }
  | { code: "answer-missing" }
  | { code: "type-missing"; drill: boolean }
  | { code: "unknown"; given: string; suggestion?: string };

const KEYWORDS: Record<string, string[]> = {
  help: ["hilfe", "help", "?", "befehle", "commands"],
  drill: ["uebung", "drill", "exercise", "test-notfall"],
  role: ["rolle", "role", "rollen", "roles"],
  status: ["status", "stand", "lage", "overview"],
  done: ["erledigt", "done", "fertig", "✅", "x", "check"],
  ack: ["ok", "okay", "bestaetigt", "bestaetigen", "ack", "acknowledge", "👍", "👀", "uebernehme", "mache"],
  skip: ["ueberspringen", "uebersprungen", "skip", "entfaellt"],
  template: ["vorlage", "vorlagen", "template", "templates", "text"],
  note: ["notiz", "note", "doku", "dokumentation", "log"],
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

function parseNrs(rest: string): { nrs: number[]; tail: string } {
  const nrs: number[] = [];
  let tail = rest;
  for (;;) {
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
function replyKeyword(word: string, rest: string): { key?: string; suggestion?: string } {
  const key = KEYWORD_OF.get(word);
  const tail = rest.trim();
  // every task word counts when a task number follows: "fertig 3", "x 3", "check 3"
  if (key && (key === "done" || key === "ack" || key === "skip") && /^(?:nr\.?\s*|#)?\d/i.test(tail)) return { key };
  if (!key || !REPLY_WORDS.has(word)) return {};
  switch (key) {
    case "help":
    case "handbook":
      return tail ? {} : { key };
    case "status":
    case "export":
      return !tail || /^NF-\d{4}-\d{4,}$/i.test(tail) ? { key } : {};
    case "done":
    case "ack":
    case "skip":
      return /^(?:nr\.?\s*|#)?\d/i.test(tail) ? { key } : {};
    case "answer":
      return /^\S+\s+\S/.test(tail) ? { key } : {};
    default:
      return { key };
  }
}

/** Map a first word (folded) to a keyword, allowing small typos. */
function keywordFor(word: string): { key?: string; suggestion?: string } {
  const exact = KEYWORD_OF.get(word);
  if (exact) return { key: exact };
  let best: { w: string; d: number } | undefined;
  for (const w of KEYWORD_OF.keys()) {
    if (w.length < 4) continue;
    const d = editDistance(word, w, 2);
    if (d <= tolerance(w) && (!best || d < best.d)) best = { w, d };
  }
  return best ? { suggestion: best.w } : {};
}

export function parseRole(word: string): { role?: RoleId; suggestion?: RoleId } {
  const f = fold(word).replace(/^-+|-+$/g, "");
  if (ROLE_WORDS[f]) return { role: ROLE_WORDS[f] };
  if (f.startsWith("technische") || f.startsWith("technischer")) return { role: "technik" };
  if (f.startsWith("it-notfall") || f.startsWith("notfall-koord")) return { role: "koordinator" };
  for (const [w, r] of Object.entries(ROLE_WORDS)) if (w.length > 3 && editDistance(f, w, 2) <= tolerance(w)) return { suggestion: r };
  return {};
}

export function parseLevel(word: string): Level | undefined {
  return LEVEL_WORDS[fold(word)];
}

export interface TypeMatch {
  /** Best playbook, when unambiguous. */
  id?: string;
  /** Ambiguous or fuzzy candidates, best first. */
  candidates: string[];
}

/** Find the playbook for a free-text description by its trigger words; typos are tolerated. */
export function matchType(text: string, playbooks: readonly Playbook[]): TypeMatch {
  const f = ` ${fold(text).replace(/-/g, " ")} `;
  const scores = new Map<string, number>();
  for (const pb of playbooks) {
    let best = 0;
    for (const trig of [pb.id, ...pb.triggers]) {
      const t = fold(trig).replace(/-/g, " ");
      if (!t) continue;
      // word-boundary containment; long single words may also match as a compound prefix ("verschluesselungstrojaner")
      const hit = f.includes(` ${t} `) || (!t.includes(" ") && t.length >= 8 && new RegExp(` ${escapeRe(t)}`).test(f));
      if (hit) best = Math.max(best, t.length + (t.includes(" ") ? 10 : 0));
    }
    if (best > 0) scores.set(pb.id, best);
  }
  if (scores.size > 0) {
    const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1]);
    const [first, second] = ranked;
    // clearly more specific wins; two comparable matches of different types: ask instead of guessing
    if (!second || first![1] >= 3 * second[1]) return { id: first![0], candidates: ranked.map((r) => r[0]) };
    return { candidates: ranked.filter((r) => 3 * r[1] > first![1]).map((r) => r[0]) };
  }
  // fuzzy: each word against single-word triggers
  const words = fold(text)
    .split(" ")
    .filter((w) => w.length >= 4);
  const fuzzy = new Map<string, number>();
  for (const pb of playbooks) {
    for (const trig of [pb.id, ...pb.triggers]) {
      const t = fold(trig);
      if (t.includes(" ")) continue;
      for (const w of words) {
        const d = editDistance(w, t, 2);
        if (d <= tolerance(t)) fuzzy.set(pb.id, Math.min(fuzzy.get(pb.id) ?? 9, d));
      }
    }
  }
  return { candidates: [...fuzzy.entries()].sort((a, b) => a[1] - b[1]).map((r) => r[0]) };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Parse one command line (prefix already removed by the adapter). */
export function parseCommand(input: string, playbooks: readonly Playbook[], opts: ParseOptions = { mode: "command" }): Command {
  const text = input.trim();
  if (!text) return opts.mode === "command" ? { kind: "help" } : { kind: "text", text };
  const [first, rest] = head(text);
  const word = fold(first).replace(/^[/!]+/, "");
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
      return openCommand(rest, playbooks, true);
    }
    case "role": {
      const [roleWord, target] = head(rest);
      if (!roleWord) return { kind: "error", error: { code: "role-missing" } };
      const r = parseRole(roleWord);
      if (!r.role)
        return { kind: "error", error: { code: "role-unknown", given: roleWord, ...(r.suggestion ? { suggestion: r.suggestion } : {}) } };
      const t = target.trim();
      if (/^(abgeben|frei|niemand|release|none)$/i.test(t)) return { kind: "role", role: r.role, release: true };
      if (!t || /^(ich|mich|me|myself|selbst)$/i.test(t)) return { kind: "role", role: r.role };
      return { kind: "role", role: r.role, target: t };
    }
    case "status":
      return withId({ kind: "status" }, rest);
    case "done":
      return taskCommand("erledigt", rest);
    case "ack":
      return taskCommand("bestätigt", rest);
    case "skip":
      return taskCommand("übersprungen", rest);
    case "template":
      return rest ? { kind: "template", name: rest } : { kind: "template" };
    case "note":
      return rest ? { kind: "note", text: rest } : { kind: "error", error: { code: "note-empty" } };
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
  const open = openCommand(text, playbooks, false);
  if (open.kind === "choose-type" && open.candidates.length === 0 && kw.suggestion)
    return { kind: "error", error: { code: "unknown", given: first, suggestion: kw.suggestion } };
  return open;
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

function openCommand(text: string, playbooks: readonly Playbook[], drill: boolean): Command {
  const m = matchType(text, playbooks);
  if (m.id) {
    // "/notfall verschluesselung Server zeigt Erpressernachricht": the first word names the type, the rest describes
    const [first, rest] = head(text);
    const pb = playbooks.find((p) => p.id === m.id)!;
    const firstIsType = [pb.id, ...pb.triggers].some((t) => fold(t) === fold(first));
    return { kind: "open", playbookId: m.id, description: firstIsType ? rest : text, drill };
  }
  return { kind: "choose-type", text, candidates: m.candidates.slice(0, 3), drill };
}
