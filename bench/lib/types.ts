/** Shapes shared by the benchmark runner and the benchmarks (also for adapter benchmarks added later). */

/**
 * One line of `bench/results.json`. `ratio` is always "how many times the floor's cost":
 * for rates `floor / value`, for times and sizes `value / floor`. Lower is better; 1 means "as cheap as the floor".
 */
export interface ResultRow {
  name: string;
  value: number;
  unit: string;
  floor: number;
  ratio: number;
  /** Human-readable target, e.g. ">= 1000 /s and ratio <= 3"; "" for informational rows. */
  target: string;
}

/** A row before the runner decides whether its target is met. */
export interface Measured extends ResultRow {
  /** Whether the target is met; undefined for informational rows. */
  ok?: boolean;
  /** Extra facts for the table's notes (not written to results.json). */
  note?: string;
}

/** What the runner hands every benchmark. */
export interface BenchContext {
  /** A temporary directory for this run (removed at the end). */
  dir: string;
  /** `--quick`: smaller workloads, for checking that the suite works (figures are not representative). */
  quick: boolean;
  /** `--profile`: where benchmarks write CPU profiles of their measured section (undefined: no profiling). */
  profileDir: string | undefined;
  /** Progress line on stderr. */
  log(msg: string): void;
}

/** A benchmark: measures in child processes and returns rows measured against their floors in the same run. */
export interface Benchmark {
  /** Short id, used with `npm run bench -- --only <id>`. */
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<Measured[]>;
}

/** Builds a row; `lowerIsBetter` decides how `ratio` is formed (see {@link ResultRow}). */
export function row(
  name: string,
  value: number,
  unit: string,
  floor: number,
  kind: "rate" | "cost",
  target = "",
  ok?: boolean,
  note?: string,
): Measured {
  const ratio = kind === "rate" ? floor / value : value / floor;
  return { name, value, unit, floor, ratio, target, ...(ok === undefined ? {} : { ok }), ...(note ? { note } : {}) };
}
