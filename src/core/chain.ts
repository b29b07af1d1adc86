import { createHash } from "node:crypto";
import { de } from "./i18n/de.ts";
import { en } from "./i18n/en.ts";
import type { TimelineEntry } from "./ports.ts";

/** The first entry of every incident chains to this. */
export const GENESIS = "0".repeat(64);

type Hashed = Omit<TimelineEntry, "hash">;

/** SHA-256 over the predecessor's hash and every field of the entry, in a fixed order. */
export function hashEntry(e: Hashed): string {
  const payload = JSON.stringify([
    e.prevHash,
    e.incidentId,
    e.seq,
    e.at,
    e.actorId,
    e.actorName,
    e.platform,
    e.kind,
    e.text,
    e.data ?? null,
  ]);
  return createHash("sha256").update(payload).digest("hex");
}

export type ChainVerdict = { ok: true; entries: number; head: string } | { ok: false; entries: number; firstBad: number; problem: string };

/**
 * Verify an incident's timeline as exported: consecutive sequence numbers from 1, each entry chained to
 * its predecessor, each hash matching its content. Names the first bad entry, and what is wrong in `locale`.
 */
export function verifyChain(entries: readonly TimelineEntry[], locale: "de" | "en" = "de"): ChainVerdict {
  const t = (locale === "en" ? en : de).chainProblem;
  let prev = GENESIS;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.seq !== i + 1)
      return {
        ok: false,
        entries: entries.length,
        firstBad: i + 1,
        problem: t.renumbered(i + 1, e.seq),
      };
    if (e.prevHash !== prev) return { ok: false, entries: entries.length, firstBad: i + 1, problem: t.link(i + 1) };
    if (hashEntry(e) !== e.hash) return { ok: false, entries: entries.length, firstBad: i + 1, problem: t.content(i + 1) };
    prev = e.hash;
  }
  return { ok: true, entries: entries.length, head: prev };
}
