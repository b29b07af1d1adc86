/** A small seeded random generator (mulberry32): the same seed gives the same sequence on every machine. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [lo, hi], both included. */
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: readonly T[]): T[];
}

export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[int(0, items.length - 1)]!,
    shuffle(items) {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
}

/** A derived seed for a sub-stream (stream 0, 1, …) of one run. */
export function subSeed(seed: number, n: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(n + 1, 0xc2b2ae35)) >>> 0;
}

export const DEFAULT_CRASH_SEED = 20260307;

/** `CRASH_SEED` from the environment (a number), else {@link DEFAULT_CRASH_SEED}. */
export function crashSeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.CRASH_SEED?.trim();
  if (!raw) return DEFAULT_CRASH_SEED;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new Error(`CRASH_SEED muss eine ganze Zahl von 0 bis 4294967295 sein, nicht "${raw}"`);
  return n;
}

/** Distinct kill points of a crash suite: `CRASH_KILLS` (default 100). */
export function crashKills(): number {
  const kills = Number(process.env.CRASH_KILLS || 100);
  if (!Number.isInteger(kills) || kills < 2)
    throw new Error(`CRASH_KILLS muss eine ganze Zahl ab 2 sein, nicht "${process.env.CRASH_KILLS}"`);
  return kills;
}
