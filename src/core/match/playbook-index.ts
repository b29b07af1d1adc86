/**
 * What the matcher knows about the playbooks: every cue (id, title, trigger, symptom phrase) as stems, the
 * vocabulary with how specific each stem is, and lookups that tolerate inflection, compounds and typos.
 */
import type { Playbook } from "../../machines/schema.ts";
import { closestWord, tolerance } from "../text.ts";
import { splitCompound } from "./compound.ts";
import { FAILURE_STEMS, GENERIC_STEMS, stemForms, WORKING_STEMS, type Word, words } from "./words.ts";

/** Where a cue comes from; `playbooks --match` shows it. */
export type CueKind = "id" | "title" | "trigger" | "anzeichen";

/** One position of a cue: a word, with the stems of its compound parts (`serverausfall` → `serv`, `ausfall`). */
export interface Slot {
  /** Its stem first, then the stem of a participle without `ge` (`abgesturzt`, `absturzt`). */
  terms: string[];
  parts: string[];
  /** How specific the word is (see {@link PlaybookIndex.idf}). */
  weight: number;
}

/** One phrase that points to a playbook. */
export interface Cue {
  playbook: string;
  kind: CueKind;
  text: string;
  slots: Slot[];
}

/** A vocabulary term an input word matched, and how well (1 exact stem, 0.9 inflected form, 0.75 typo). */
export interface TermHit {
  term: string;
  quality: number;
  /** Found only as a typo or by a compound split with an unknown part: never enough to open a playbook. */
  guess: boolean;
}

/** An input word with what it matched: as a whole, and by its compound parts. */
export interface WordHits {
  word: string;
  whole: TermHit[];
  parts: TermHit[][];
}

/** Quality of a match by an inflected form (`verschlusselt` for `verschlussel`). */
const VARIANT = 0.9;
/** Quality of a match by a typo. Evidence from typos and guesses alone never opens a playbook (see rank.ts). */
const TYPO = 0.75;
/** Quality of a match by a known compound that begins or ends with the typed word. */
const CONTAINED = 0.6;
/** Weight of a term that occurs only inside compounds. */
const PART_ONLY = 0.5;
/** Most a generic word ("kaputt", "weg") weighs. */
const GENERIC_WEIGHT = 0.4;
/** Factor for the known part of a compound whose other part is unknown ("brand|enburg", "strom|kabel"). */
const GUESS = 0.6;
/** Typos are only looked for in words at least this long: in shorter ones a typo makes another word. */
const TYPO_MIN = 5;

/** The searchable form of a set of playbooks. Build once per set with {@link indexFor}. */
export class PlaybookIndex {
  readonly cues: Cue[] = [];
  readonly ids: string[];
  /** Cues by playbook id. */
  readonly cuesOf = new Map<string, Cue[]>();
  /** Cues by the terms (words and parts) they contain. */
  readonly cuesWith = new Map<string, Cue[]>();
  /** term → the most cues one playbook has with it. */
  private readonly mostUses = new Map<string, number>();
  /** term → playbook → how many of its cues contain it (as a word or a compound part). */
  private readonly postings = new Map<string, Map<string, number>>();
  /** Shortened term (one or two letters less) → the terms it shortens, for inflected forms. */
  private readonly shortened = new Map<string, string[]>();
  /** Whole words of the cues (folded), and parts learned from their compounds: what cue words are split into. */
  private readonly wholeWords = new Set<string>();
  /** Known words and stems, for splitting compounds: part → its stem. */
  private readonly partStem = new Map<string, string>();
  /** Terms that stand as a word of their own in some cue (not only inside a compound). */
  private readonly wholeTerms = new Set<string>();
  /** Compound term of a cue → the stems of its parts (`email` → `mail`, `serverausfall` → `serv`, `ausfall`). */
  private readonly termParts = new Map<string, string[]>();
  /** Terms long enough for typo search, by first letter (a typo keeps the first letter). */
  private readonly typoCandidates = new Map<string, string[]>();
  /** Terms by their first and by their last four letters, for compounds that begin or end with a typed word. */
  private readonly byHead = new Map<string, string[]>();
  private readonly byTail = new Map<string, string[]>();

  constructor(playbooks: readonly Playbook[]) {
    this.ids = playbooks.map((p) => p.id);
    const raw: { playbook: string; kind: CueKind; text: string; words: Word[] }[] = [];
    for (const pb of playbooks) {
      const add = (kind: CueKind, text: string) => raw.push({ playbook: pb.id, kind, text, words: words(text) });
      add("id", pb.id.replace(/-/g, " "));
      for (const t of localized(pb.title)) add("title", t);
      for (const t of pb.triggers) add("trigger", t);
      for (const a of pb.anzeichen ?? []) for (const t of localized(a)) add("anzeichen", t);
    }
    // known parts: surface words first, stems second (a surface word keeps its own stem)
    for (const c of raw) for (const w of c.words) if (w.folded.length >= 3) this.partStem.set(w.folded, w.forms[0]!);
    for (const c of raw)
      for (const w of c.words) for (const f of w.forms) if (f.length >= 3 && !this.partStem.has(f)) this.partStem.set(f, f);
    // parts learned from compounds that begin with a known word: "rauch|melder" teaches "melder", "daten|panne" "panne",
    // "server|raum" "raum" (so "Technikraum" and "Kellerraum" are rooms too)
    for (const c of raw) for (const w of c.words) if (w.folded.length >= 4) this.wholeWords.add(w.folded);
    const learned: string[] = [];
    for (const c of raw) {
      for (const w of c.words) {
        const split = w.folded.length >= 9 ? splitCompound(w.folded, (p) => p !== w.folded && this.wholeWords.has(p)) : undefined;
        if (split?.length !== 2) continue;
        // a known first word and a new last one (German puts the head last); "veroffent|licht" teaches nothing, nor
        // does a part whose stem is shorter than four letters ("ransom|ware" → "war" would meet "Warenwirtschaft")
        const [first, last] = split as [string, string];
        if (this.wholeWords.has(first) && !this.wholeWords.has(last) && stemForms(last)[0]!.length >= 4) learned.push(last);
      }
    }
    for (const p of learned) {
      this.wholeWords.add(p);
      if (!this.partStem.has(p)) this.partStem.set(p, stemForms(p)[0]!);
    }

    for (const c of raw) {
      const slots = c.words.map((w) => ({ terms: w.forms, parts: this.partsOf(w), weight: 0 }));
      for (const s of slots) {
        for (const t of s.terms) this.wholeTerms.add(t);
        for (const t of new Set([...s.terms, ...s.parts])) this.post(t, c.playbook);
        if (s.parts.length) for (const t of s.terms) this.termParts.set(t, s.parts);
      }
      const cue: Cue = { playbook: c.playbook, kind: c.kind, text: c.text, slots };
      this.cues.push(cue);
      const own = this.cuesOf.get(c.playbook) ?? [];
      own.push(cue);
      this.cuesOf.set(c.playbook, own);
      for (const t of new Set(slots.flatMap((s) => [...s.terms, ...s.parts]))) {
        const list = this.cuesWith.get(t) ?? [];
        list.push(cue);
        this.cuesWith.set(t, list);
      }
    }
    for (const [term, uses] of this.postings) this.mostUses.set(term, Math.max(...uses.values()));
    for (const cue of this.cues) for (const s of cue.slots) s.weight = this.idf(s.terms[0]!);
    for (const term of this.postings.keys()) {
      for (const cut of [1, 2]) {
        const short = term.slice(0, -cut);
        if (short.length < (cut === 1 ? 4 : 5)) continue;
        const list = this.shortened.get(short) ?? [];
        list.push(term);
        this.shortened.set(short, list);
      }
    }
    for (const term of this.postings.keys()) {
      if (term.length >= TYPO_MIN) push(this.typoCandidates, term[0]!, term);
      if (term.length >= 8) {
        push(this.byHead, term.slice(0, 4), term);
        push(this.byTail, term.slice(-4), term);
      }
    }
  }

  /**
   * How specific a term is: ln((N + 1) / df), where df is the number of playbooks that use it. A word of one
   * playbook weighs about 2.6 with twelve playbooks, a word all of them use about 0.1. Words that only say that
   * something is wrong ({@link GENERIC_STEMS}) weigh at most 0.4.
   */
  idf(term: string): number {
    const df = this.postings.get(term)?.size ?? 0;
    if (df === 0) return 0;
    const idf = Math.log((this.ids.length + 1) / df);
    return GENERIC_STEMS.has(term) ? Math.min(idf, GENERIC_WEIGHT) : idf;
  }

  /** Whether some cue of `playbook` says that something broke or stopped ({@link FAILURE_STEMS}, "geht", "startet"). */
  knowsFailure(playbook: string): boolean {
    for (const stem of [...FAILURE_STEMS, ...WORKING_STEMS]) if (this.postings.get(stem)?.has(playbook)) return true;
    return false;
  }

  /** Playbooks whose cues use `term`. */
  playbooksOf(term: string): ReadonlySet<string> {
    return new Set(this.postings.get(term)?.keys() ?? []);
  }

  /**
   * What `term` says for `playbook`: {@link idf} times how much the playbook relies on it, the square root of its
   * number of cues with the term against the playbook that uses it most ("Internet" weighs fully for the outage
   * playbook, which names it in many cues, and about half for the data leak, which mentions it twice). A term that
   * occurs only inside compounds ("hoch" of "Hochwasser") weighs half.
   */
  weight(term: string, playbook: string): number {
    const uses = this.postings.get(term);
    const n = uses?.get(playbook);
    if (!uses || !n) return 0;
    const partOnly = this.wholeTerms.has(term) ? 1 : PART_ONLY;
    return partOnly * this.idf(term) * Math.sqrt(n / this.mostUses.get(term)!);
  }

  /**
   * What one input word matches: its stems and inflected forms; its compound parts (split by the known parts, or
   * the parts of the known compound it is); else a known compound it begins or ends (`telematik` →
   * `telematikinfrastruktur`); else a typo of a known term; else a split with one unknown part (`strom|kabel`).
   * Without `thorough` only the cheap lookups run (stems, inflected forms, hyphen pieces, known compounds).
   */
  hits(w: Word, thorough = true): WordHits {
    const whole = this.lookup(w.forms);
    const parts: TermHit[][] = [];
    const addParts = (split: readonly string[] | undefined, guess?: number) => {
      for (const p of split ?? []) {
        const stem = this.partStem.get(p);
        const hit = this.lookup(stem ? [stem] : stemForms(p));
        if (hit.length) parts.push(guess ? hit.map((h) => ({ ...h, quality: h.quality * guess, guess: true })) : hit);
      }
    };
    if (w.derived) return { word: w.folded, whole, parts };
    addParts(w.pieces);
    if (whole.length) {
      for (const h of whole)
        for (const part of this.termParts.get(h.term) ?? []) parts.push([{ term: part, quality: h.quality, guess: false }]);
    } else if (thorough && !w.pieces.length && w.folded.length >= 7) {
      addParts(this.split(w.folded, false));
      if (!parts.length) {
        const inside = this.containing(w.forms[0]!);
        if (inside.length) parts.push(inside);
      }
    }
    if (thorough && !whole.length && !parts.length) {
      const typo = this.typo(w.forms[0]!);
      if (typo) whole.push(typo);
      else if (!w.pieces.length && w.folded.length >= 7) addParts(this.split(w.folded, true), GUESS);
    }
    return { word: w.folded, whole, parts };
  }

  /** The known term `stem` is a typo of: same first letter, one edit in up to six letters, two in longer ones. */
  private typo(stem: string): TermHit | undefined {
    if (stem.length < TYPO_MIN) return undefined;
    const hit = closestWord(stem, this.typoCandidates.get(stem[0]!) ?? [], tolerance);
    return hit ? { term: hit.word, quality: TYPO, guess: true } : undefined;
  }

  /** Known terms at least three letters longer that begin or end with `stem` (five letters or more). */
  private containing(stem: string): TermHit[] {
    if (stem.length < 5) return [];
    const out: TermHit[] = [];
    for (const term of this.byHead.get(stem.slice(0, 4)) ?? [])
      if (term.length >= stem.length + 3 && term.startsWith(stem)) out.push({ term, quality: CONTAINED, guess: false });
    for (const term of this.byTail.get(stem.slice(-4)) ?? [])
      if (term.length >= stem.length + 3 && term.endsWith(stem)) out.push({ term, quality: CONTAINED, guess: false });
    return out;
  }

  /** Exact stems (quality 1) and inflected forms: a term one or two letters longer or shorter (quality 0.9). */
  private lookup(forms: readonly string[]): TermHit[] {
    const out = new Map<string, TermHit>();
    const add = (term: string, quality: number) => {
      const prev = out.get(term);
      if (!prev || prev.quality < quality) out.set(term, { term, quality, guess: false });
    };
    for (const f of forms) {
      if (this.postings.has(f)) add(f, 1);
      for (const longer of this.shortened.get(f) ?? []) add(longer, VARIANT);
      for (const cut of [1, 2]) {
        const short = f.slice(0, -cut);
        if (short.length >= (cut === 1 ? 4 : 5) && this.postings.has(short)) add(short, VARIANT);
      }
    }
    return [...out.values()];
  }

  /**
   * Compound parts of a cue word: hyphen pieces, a split into known whole words of four letters or more, or an
   * unknown first part before a known whole word of six letters or more.
   */
  private partsOf(w: Word): string[] {
    if (w.pieces.length) return w.pieces.map((p) => stemForms(p)[0]!);
    if (w.folded.length < 8) return [];
    const split = splitCompound(w.folded, (p) => p !== w.folded && p.length >= 4 && this.wholeWords.has(p), false);
    if (split) return split.map((p) => this.partStem.get(p)!);
    // a known word of six letters or more at the end is the head ("festnetz|telefon"); the rest stays as it is
    for (let cut = 4; cut <= w.folded.length - 6; cut++) {
      const tail = w.folded.slice(cut);
      if (this.wholeWords.has(tail)) return [stemForms(w.folded.slice(0, cut))[0]!, this.partStem.get(tail)!];
    }
    return [];
  }

  /** Split into known parts (`loose`: one part may be unknown). A part is known as a word, a stem, or a stem shortened. */
  private split(folded: string, loose: boolean): string[] | undefined {
    return splitCompound(folded, (part) => part !== folded && (this.partStem.has(part) || this.shortened.has(part)), loose);
  }

  private post(term: string, playbook: string): void {
    const uses = this.postings.get(term) ?? new Map<string, number>();
    uses.set(playbook, (uses.get(playbook) ?? 0) + 1);
    this.postings.set(term, uses);
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function localized(text: string | { de: string; en?: string | undefined }): string[] {
  return typeof text === "string" ? [text] : text.en ? [text.de, text.en] : [text.de];
}

/** One index per set of playbooks, rebuilt only when the set changes (the list is compared item by item). */
const cache = new WeakMap<Playbook, { list: readonly Playbook[]; index: PlaybookIndex }>();

/** The index for these playbooks, built on first use and kept while the same playbook objects are passed. */
export function indexFor(playbooks: readonly Playbook[]): PlaybookIndex {
  const first = playbooks[0];
  if (!first) return new PlaybookIndex(playbooks);
  const hit = cache.get(first);
  if (hit && hit.list.length === playbooks.length && hit.list.every((p, i) => p === playbooks[i])) return hit.index;
  const index = new PlaybookIndex(playbooks);
  cache.set(first, { list: [...playbooks], index });
  return index;
}
