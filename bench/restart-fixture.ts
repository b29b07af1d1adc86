/**
 * Builds the database for the restart benchmark (child process of bench/run.ts): `--incidents` open incidents
 * with their timeline, task rows, pending timers and delivered messages.
 *
 * Three incidents are run through the real bot (a fake clock at the real current time, so their timers fall
 * due minutes to days from now): one just declared (role and task reminders pending), one staffed with
 * personal data affected (GDPR deadline and its reminders), one further along (ten tasks acknowledged or done,
 * moved on to Eindämmung with a reason). Every other incident is a copy of one of them, written through the
 * storage port (`commit`) with its own id, channel, timer ids and a recomputed hash chain; then the copies'
 * messages are marked delivered, as they would be after a normal run (their block bodies left out, see below).
 *
 * Run alone: node bench/restart-fixture.ts --db /tmp/x/restart.db [--incidents 10000]
 */

import { hashEntry } from "../src/core/chain.ts";
import { FakeClock } from "../src/core/clock.ts";
import type { IncidentRecord, OutboxRow, TaskRow, TimelineEntry, TimerRow } from "../src/core/ports.ts";
import { args, report } from "./lib/args.ts";
import { SinkAdapter } from "./lib/sink-adapter.ts";
import { msSince } from "./lib/stats.ts";
import { declare, HOLDER, openWorld, staff } from "./lib/world.ts";

const a = args();
const file = a.str("db");
const total = a.num("incidents", 10_000);

const t0 = process.hrtime.bigint();
const clock = new FakeClock(new Date());
const w = await openWorld(file, clock, new SinkAdapter());

const fresh = await declare(w, "memory:t:restart1");
const staffed = await declare(w, "memory:t:restart2");
await staff(w, staffed);
const along = await declare(w, "memory:t:restart3");
await staff(w, along);
for (const task of (await w.storage.tasks(along.id)).slice(0, 10)) {
  const who = HOLDER[task.role as keyof typeof HOLDER];
  for (const verb of ["ok", "erledigt"]) {
    await w.bot.receive(w.event(who, `${verb} ${task.nr}`, "reply", along.channel, along.root));
    await w.bot.idle();
  }
}
await w.bot.receive(
  w.event(HOLDER.koordinator, "weiter Lage ist unter Kontrolle, Rest läuft parallel", "reply", along.channel, along.root),
);
await w.bot.idle();
await w.bot.stop();

const sql = w.storage.db.$client;
type Template = {
  rec: IncidentRecord;
  timeline: TimelineEntry[];
  tasks: TaskRow[];
  timers: TimerRow[];
  outbox: OutboxRow[];
};
const templates: Template[] = [];
for (const o of [fresh, staffed, along])
  templates.push({
    rec: (await w.storage.getIncident(o.id))!,
    timeline: await w.storage.timeline(o.id),
    tasks: await w.storage.tasks(o.id),
    timers: (await w.storage.pendingTimers()).filter((t) => t.incidentId === o.id),
    outbox: (sql.prepare("SELECT * FROM outbox WHERE incident_id = ? ORDER BY id").all(o.id) as Record<string, unknown>[]).map((r) => ({
      key: r.key as string,
      incidentId: o.id,
      lane: r.lane as string,
      platform: r.platform as string,
      message: JSON.parse(r.message as string),
      nextAttemptAt: r.next_attempt_at as string,
    })) as unknown as OutboxRow[],
  });
const templateJson = templates.map((t) => JSON.stringify(t));
const year = fresh.id.split("-")[1]!;

// The copies go through the storage port; 250 commits share one outer transaction (each commit becomes a
// savepoint) only to keep the build short: the restart measured later does not depend on how the file was written.
// The SQLite port commits inside the call (its promise is settled by then), so each copy lands in the batch.
const results: Promise<void>[] = [];
const batch = sql.transaction((from: number, to: number) => {
  for (let n = from; n <= to; n++) results.push(copyOne(n));
});
for (let n = 4; n <= total; n += 250) batch(n, Math.min(total, n + 249));
await Promise.all(results);

function copyOne(n: number): Promise<void> {
  const k = n % 3;
  const src = templates[k]!.rec;
  const id = `NF-${year}-${String(n).padStart(4, "0")}`;
  const channel = `memory:t:restart-copy${n}`;
  const copy = JSON.parse(templateJson[k]!.replaceAll(src.id, id).replaceAll(src.channel, channel)) as Template;
  let prev = copy.timeline[0]!.prevHash;
  for (const e of copy.timeline) {
    e.prevHash = prev;
    e.hash = hashEntry(e);
    prev = e.hash;
  }
  copy.rec.lastHash = prev;
  copy.rec.version = 0;
  // Delivered messages keep their row (key, lane, ref, status, plain text) but not their blocks: restart never
  // reads a delivered body, and full bodies would make the file 1.2 GB and the build take most of the budget.
  for (const o of copy.outbox) o.message = { ...o.message, blocks: [] };
  return w.storage
    .commit({
      incident: { record: copy.rec },
      timeline: copy.timeline,
      tasks: copy.tasks,
      timers: copy.timers,
      outbox: copy.outbox,
    })
    .then((res) => {
      if (!res.ok) throw new Error(`Kopie ${id} abgelehnt: ${res.reason}`);
    });
}
sql.prepare("UPDATE outbox SET status = 'sent', attempts = 1, ref = 'copy-' || id, sent_at = created_at WHERE status = 'pending'").run();
sql.pragma("wal_checkpoint(TRUNCATE)");

const count = (q: string) => sql.prepare(q).pluck().get() as number;
report({
  buildMs: msSince(t0),
  incidents: count("SELECT count(*) FROM incidents WHERE closed_at IS NULL"),
  pendingTimers: count("SELECT count(*) FROM timers WHERE fired_at IS NULL AND cancelled_at IS NULL"),
  timeline: count("SELECT count(*) FROM timeline"),
  tasks: count("SELECT count(*) FROM tasks"),
  outbox: count("SELECT count(*) FROM outbox"),
  earliestDue: sql.prepare("SELECT min(due_at) FROM timers WHERE fired_at IS NULL AND cancelled_at IS NULL").pluck().get(),
});
await w.storage.close();
