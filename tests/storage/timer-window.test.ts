/**
 * The scheduler keeps only a window of the earliest pending timers in memory (issue #17: 13,000 timers of 1,000
 * open incidents were ~5.5 MB of heap) and reads the next window from the database when the last one has fired.
 * Real storage on both backends, a fake clock; the fire callback marks each timer fired as the service's commit would.
 */
import { beforeEach, expect, it } from "vitest";
import { FakeClock } from "../../src/core/clock.ts";
import type { OfTenant, StoragePort, TimerRow } from "../../src/core/ports.ts";
import { Scheduler } from "../../src/core/scheduler.ts";
import { describeBackends, type TestStore } from "./backends.ts";
import { incident, timer } from "./helpers.ts";

const START = "2026-03-02T08:00:00.000Z";
const minutes = (n: number) => new Date(Date.parse(START) + n * 60_000).toISOString();

describeBackends("scheduler window", (b) => {
  let clock: FakeClock;
  let store: TestStore;
  let fired: { id: string; at: string }[];
  let commits: Promise<unknown>[];

  beforeEach(async () => {
    clock = new FakeClock(START);
    store = await b.open({ clock });
    await store.commit({ incident: { record: incident() } });
    fired = [];
    commits = [];
  });

  /** A scheduler over `port` whose firing is a commit marking the timer fired (refused once fired or cancelled). */
  function schedule(port: StoragePort, window: number): Scheduler {
    return new Scheduler({
      storage: port,
      clock,
      window,
      fire: (t: OfTenant<TimerRow>) => {
        fired.push({ id: t.id, at: clock.now().toISOString() });
        commits.push(port.commit({ firedTimers: [t.id] }));
      },
    });
  }

  /** Moves the clock to minute `m`; waits for the window reads and the firing commits (PostgreSQL answers later). */
  async function at(s: Scheduler, m: number): Promise<void> {
    await clock.set(minutes(m));
    await s.idle();
    await Promise.all(commits);
  }

  /** Commits `list` one timer per commit, each handed to `s` as the service would; the most `s` held in memory. */
  async function commitOneByOne(s: Scheduler, list: readonly TimerRow[]): Promise<number> {
    let most = 0;
    for (const t of list) {
      await store.commit({ timers: [t] });
      s.add([t]);
      most = Math.max(most, s.pending());
    }
    return most;
  }

  /** `n` timers a minute apart from minute 1, two of them due at the same instant as their neighbour. */
  function timers(n: number): TimerRow[] {
    return Array.from({ length: n }, (_, i) => timer("reminder", `t${String(i).padStart(2, "0")}`, minutes(i === 4 ? 4 : i + 1)));
  }

  it("reads pending timers page by page in due order, ties by id, without fired or cancelled ones", async () => {
    const all = timers(8);
    await store.commit({ timers: all });
    await store.commit({ firedTimers: [all[1]!.id], cancelTimers: [all[6]!.id] });
    const pages: string[][] = [];
    let after: TimerRow | undefined;
    for (;;) {
      const page = await store.pendingTimersAfter(after ? { dueAt: after.dueAt, id: after.id } : undefined, 2);
      if (page.length === 0) break;
      pages.push(page.map((t) => t.id));
      after = page.at(-1);
    }
    expect(pages.flat()).toEqual((await store.pendingTimers()).map((t) => t.id));
    expect(pages.flat()).toHaveLength(6);
    expect(pages.every((p) => p.length <= 2)).toBe(true);
    expect((await store.pendingTimersAfter(undefined, 1))[0]).toEqual(all[0]);
  });

  it("holds a window of the earliest and fires every timer at its time, in due order", async () => {
    const all = timers(10);
    await store.commit({ timers: all });
    const s = schedule(store, 3);
    expect(await s.start()).toBe(3);
    let most = 0;
    for (let m = 0; m <= 11; m++) {
      await at(s, m);
      most = Math.max(most, s.pending());
    }
    const due = [...all].sort((x, y) => (x.dueAt < y.dueAt ? -1 : x.dueAt > y.dueAt ? 1 : x.id < y.id ? -1 : 1));
    expect(fired).toEqual(due.map((t) => ({ id: t.id, at: t.dueAt })));
    expect(most).toBeLessThanOrEqual(3);
    expect(await store.pendingTimers()).toEqual([]);
    s.stop();
  });

  it("a timer added beyond the window waits in the database and fires on time; one cancelled there never fires", async () => {
    await store.commit({ timers: timers(6) });
    const s = schedule(store, 3);
    await s.start();
    const later = timer("deadline", "art33", minutes(5.5));
    const soon = timer("reminder", "soon", minutes(0.5));
    await store.commit({ timers: [later, soon] });
    s.add([later, soon]);
    expect(s.pending()).toBe(4); // the one before the window's end is kept, the later one is not
    await store.commit({ cancelTimers: [timers(6)[5]!.id] });
    s.remove([timers(6)[5]!.id]);
    for (let m = 0; m <= 10; m += 0.5) await at(s, m);
    // due at 0.5, 1, 2, 3, 4, 4, 5.5; the one at 6 was cancelled
    expect(fired).toEqual([soon, ...timers(6).slice(0, 5), later].map((t) => ({ id: t.id, at: t.dueAt })));
    s.stop();
  });

  it("a timer committed while the next window is being read is not lost", async () => {
    await store.commit({ timers: timers(6) });
    // the read answers what the database held when it ran, but only after a commit has added a timer
    const { slow, release } = heldSecondRead(store);
    const s = schedule(slow, 3);
    await s.start();
    for (let m = 0; m <= 3; m++) await clock.set(minutes(m)); // the window's last timer fired: the next window is being read (and held)
    const added = timer("deadline", "während", minutes(7));
    await store.commit({ timers: [added] });
    s.add([added]);
    release();
    for (let m = 3; m <= 10; m++) await at(s, m);
    expect(fired.map((f) => f.id)).toContain(added.id);
    expect(fired.find((f) => f.id === added.id)?.at).toBe(added.dueAt);
    expect(new Set(fired.map((f) => f.id)).size).toBe(fired.length);
    expect(await store.pendingTimers()).toEqual([]);
    s.stop();
  });

  it("timers added while a window was read and trimmed later never hide the database's timers behind them", async () => {
    await store.commit({ timers: timers(10) }); // due 1, 2, 3, 4, 4, 6, 7, 8, 9, 10
    const { slow, release } = heldSecondRead(store);
    const s = schedule(slow, 3);
    await s.start();
    for (let m = 0; m <= 3; m++) await clock.set(minutes(m)); // the next window (4, 4, 6) is being read, held
    const late = [20, 21, 22, 23, 24].map((m) => timer("reminder", `spät${m}`, minutes(m)));
    await store.commit({ timers: late });
    s.add(late); // kept: a read is under way
    release();
    await at(s, 3);
    await at(s, 4); // both timers at 4 fire; in memory: 6 and the five late ones
    const one = timer("reminder", "eins", minutes(30));
    await store.commit({ timers: [one] });
    s.add([one]); // more than 1.5 windows: trimmed, but not past the window read last (6)
    for (let m = 5; m <= 31; m++) await at(s, m);
    const all = [...timers(10), ...late, one];
    expect(fired.map((f) => f.id).sort()).toEqual(all.map((t) => t.id).sort());
    expect(fired.every((f) => all.find((t) => t.id === f.id)?.dueAt === f.at)).toBe(true);
    s.stop();
  });

  it("timers committed beyond the window one by one stay bounded in memory and all fire on time", async () => {
    const s = schedule(store, 3);
    await s.start();
    const all = timers(12);
    const most = await commitOneByOne(s, [...all].reverse());
    expect(most).toBeLessThanOrEqual(4); // trimmed back to 3 once it would hold more than 1.5 windows
    for (let m = 0; m <= 13; m++) await at(s, m);
    expect(fired.map((f) => f.at)).toEqual([...all].map((t) => t.dueAt).sort());
    expect(fired.every((f) => all.find((t) => t.id === f.id)?.dueAt === f.at)).toBe(true);
    expect(await store.pendingTimers()).toEqual([]);
    s.stop();
  });

  it("many timers due at the same instant are cut among themselves: memory stays bounded, each fires once", async () => {
    // A burst of incidents opened in the same second: their reminders fall due together. The window used to be cut
    // by due time only, so none of them could be left to the database: the window grew with every commit and each
    // commit copied the whole queue (4,000 timers and 1,300 copies after 1,000 incidents in the memory benchmark).
    const s = schedule(store, 3);
    await s.start();
    const together = Array.from({ length: 12 }, (_, i) => timer("reminder", `z${String(11 - i).padStart(2, "0")}`, minutes(2)));
    const most = await commitOneByOne(s, together);
    expect(most).toBeLessThanOrEqual(4);
    // the window's end falls due with them: each further window is read and fires at once, one read after the other
    // (the fake clock fires what is armed late when it is set again)
    for (let m = 0; m <= 2; m++) await at(s, m);
    for (let i = 0; i < 20 && fired.length < together.length; i++) await at(s, 2);
    expect(fired.map((f) => f.id).sort()).toEqual(together.map((t) => t.id).sort());
    expect(fired.every((f) => f.at === minutes(2))).toBe(true);
    expect(await store.pendingTimers()).toEqual([]);
    s.stop();
  });

  it("after a restart the window starts again at the earliest pending timer", async () => {
    await store.commit({ timers: timers(7) });
    const first = schedule(store, 2);
    await first.start();
    for (let m = 0; m <= 3; m++) await at(first, m);
    first.stop();
    const done = fired.length;
    const again = schedule(store, 2);
    expect(await again.start()).toBe(2);
    for (let m = 3; m <= 10; m++) await at(again, m);
    expect(done).toBe(3);
    expect(fired.slice(done).map((f) => f.at)).toEqual([minutes(4), minutes(4), minutes(6), minutes(7)]);
    again.stop();
  });

  it("stopped schedulers fire nothing", async () => {
    await store.commit({ timers: timers(4) });
    const s = schedule(store, 2);
    await s.start();
    s.stop();
    await clock.set(minutes(10));
    expect(fired).toEqual([]);
  });
});

/**
 * `store` whose second window read (the first after start) answers what the database held when it ran, but only
 * once `release` is called: a commit can come in between, as it can while PostgreSQL answers.
 */
function heldSecondRead(store: StoragePort): { slow: StoragePort; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let reads = 0;
  const slow: StoragePort = Object.create(store, {
    pendingTimersAfter: {
      value: async (after: Parameters<StoragePort["pendingTimersAfter"]>[0], limit: number) => {
        const rows = await store.pendingTimersAfter(after, limit);
        if (++reads === 2) await gate;
        return rows;
      },
    },
  });
  return { slow, release };
}
