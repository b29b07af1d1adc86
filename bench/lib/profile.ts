/**
 * In-process V8 CPU profile of one section (the same profiler as `node --cpu-prof`, limited to the
 * measured loop so that start-up and set-up do not drown the picture). Written as a .cpuprofile file
 * (open in Chrome DevTools or summarise with `node bench/profile-summary.ts <file>`).
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

/** Profiles while `fn` runs when `file` is given; otherwise just runs it. */
export async function profiled<T>(file: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (!file) return fn();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  try {
    return await fn();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}
