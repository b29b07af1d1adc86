/** `--name value` command-line options of the benchmark children. */
export function args(argv = process.argv.slice(2)): {
  str(name: string, dflt?: string): string;
  num(name: string, dflt: number): number;
  flag(name: string): boolean;
} {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    str(name, dflt) {
      const v = get(name) ?? dflt;
      if (v === undefined) throw new Error(`--${name} fehlt (missing)`);
      return v;
    },
    num: (name, dflt) => Number(get(name) ?? dflt),
    flag: (name) => argv.includes(`--${name}`),
  };
}

/** Prints the child's result as the last stdout line (the runner reads it). */
export function report(result: unknown): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
