/**
 * The process whose start-up bench/run.ts times (from spawn to the line `ready`).
 *
 *   --mode bot    loads the bot's modules, opens the storage (migrations checked), loads the playbooks,
 *                 createBot + start (the scheduler loads every pending timer and arms the earliest), prints
 *                 `ready`; then (untimed) checks that every pending timer of the database is in the scheduler
 *                 and that the clock timer is armed for the earliest one.
 *   --mode floor  loads better-sqlite3 only, opens the same file and runs `SELECT count(*)`, prints `ready`.
 *
 * Run alone: node bench/restart-child.ts --mode bot --db /tmp/x/restart.db
 */
import { args, report } from "./lib/args.ts";

const a = args();
const mode = a.str("mode");
const file = a.str("db");

if (mode === "floor") {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(file, { timeout: 5000 });
  const n = db.prepare("SELECT count(*) FROM incidents").pluck().get() as number;
  process.stdout.write("ready\n");
  report({ incidents: n });
  db.close();
} else if (mode === "bot") {
  const [{ createBot }, { systemClock }, { TIMER_WINDOW }, { openStorage }, { SinkAdapter }] = await Promise.all([
    import("../src/app.ts"),
    import("../src/core/clock.ts"),
    import("../src/core/scheduler.ts"),
    import("../src/storage/index.ts"),
    import("./lib/sink-adapter.ts"),
  ]);
  type Clock = typeof systemClock;
  // The real clock, recording what the scheduler arms (for the check after `ready`).
  const armed: Date[] = [];
  const clock: Clock = {
    ...systemClock,
    setTimer(at, fn) {
      armed.push(at);
      return systemClock.setTimer(at, fn);
    },
  };
  const storage = openStorage(file);
  const bot = createBot({ storage, adapters: [new SinkAdapter()], clock });
  await bot.start();
  process.stdout.write("ready\n");

  const sql = storage.db.$client;
  const open = "fired_at IS NULL AND cancelled_at IS NULL";
  const dbPending = sql.prepare(`SELECT count(*) FROM timers WHERE ${open}`).pluck().get() as number;
  const earliest = sql.prepare(`SELECT min(due_at) FROM timers WHERE ${open}`).pluck().get() as string | null;
  const queued = bot.scheduler.pending();
  const armedEarliest = earliest !== null && armed.some((d) => d.toISOString() === earliest);
  report({
    incidents: sql.prepare("SELECT count(*) FROM incidents WHERE closed_at IS NULL").pluck().get(),
    dbPending,
    queued,
    armedEarliest,
    // the scheduler holds the earliest TIMER_WINDOW (the rest is read when the window reaches it)
    rearmed: queued === Math.min(dbPending, TIMER_WINDOW) && armedEarliest,
  });
  await bot.stop();
  await storage.close();
} else {
  throw new Error(`--mode bot|floor, nicht ${mode}`);
}
