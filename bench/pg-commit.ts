/**
 * Durable commits on PostgreSQL: what an acknowledgement writes (bench/lib/commit-workload.ts), through the storage
 * port (src/storage/pg, one transaction per commit, fsync'd by the server), or with `--floor` through one raw `pg`
 * connection writing the same rows in a hand-written transaction of named statements (the floor: no pool, no
 * drizzle, only the columns that change). One commit at a time, as the latency of one handled event.
 *
 * In the suite: node bench/pg-commit.ts --url postgres://… [--floor] [--dir <dir with ack-shape.json>]
 *               [--incidents 200 --warmup 200 --acks 2000]
 */
import pg from "pg";
import type { Commit } from "../src/core/ports.ts";
import { openPgStorage } from "../src/storage/pg/index.ts";
import { args, report } from "./lib/args.ts";
import { CommitWorkload, loadShape } from "./lib/commit-workload.ts";
import { latency } from "./lib/stats.ts";

const a = args();
const url = a.str("url");
const floor = a.flag("floor");
const nAcks = a.num("acks", 2000);
const nIncidents = a.num("incidents", 200);
const warmup = a.num("warmup", Math.min(200, nAcks / 10));
const work = new CommitWorkload(loadShape(a.flag("dir") ? a.str("dir") : undefined), nIncidents);

/** The same rows as the port writes, in one transaction on one connection. */
async function rawFloor(): Promise<{ commit(c: Commit): Promise<void>; close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const q = (name: string, text: string, values: unknown[]) => client.query({ name, text, values });
  return {
    async commit(c) {
      await client.query("BEGIN");
      if (c.deliveryId) {
        const r = await q(
          "d",
          "INSERT INTO deliveries (tenant, platform, id, received_at) VALUES ('default', $1, $2, $3) ON CONFLICT DO NOTHING",
          [c.deliveryId.platform, c.deliveryId.id, new Date().toISOString()],
        );
        if (r.rowCount !== 1) throw new Error("duplicate");
      }
      const { record: r, expectedVersion } = c.incident!;
      const upd = await q(
        "i",
        "UPDATE incidents SET phase = $1, level = $2, snapshot = $3, last_hash = $4, last_seq = $5, version = $6 WHERE tenant = 'default' AND id = $7 AND version = $8",
        [r.phase, r.level, JSON.stringify(r.snapshot), r.lastHash, r.lastSeq, expectedVersion! + 1, r.id, expectedVersion],
      );
      if (upd.rowCount !== 1) throw new Error("conflict");
      for (const e of c.timeline ?? []) {
        await q(
          "t",
          "INSERT INTO timeline (tenant, incident_id, seq, at, actor_id, actor_name, platform, kind, text, data, prev_hash, hash) VALUES ('default', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
          [e.incidentId, e.seq, e.at, e.actorId, e.actorName, e.platform, e.kind, e.text, JSON.stringify(e.data), e.prevHash, e.hash],
        );
      }
      for (const t of c.tasks ?? []) {
        await q(
          "k",
          "INSERT INTO tasks (tenant, incident_id, task_id, nr, phase, role, critical, state, by, at, reason) VALUES ('default', $1, $2, $3, $4, $5, $6, $7, $8, $9, NULL) ON CONFLICT (tenant, incident_id, task_id) DO UPDATE SET state = excluded.state, by = excluded.by, at = excluded.at",
          [t.incidentId, t.taskId, t.nr, t.phase, t.role, t.critical, t.state, t.by, t.at],
        );
      }
      for (const o of c.outbox ?? []) {
        await q(
          "o",
          "INSERT INTO outbox (tenant, key, incident_id, lane, platform, channel, message, status, attempts, next_attempt_at, created_at) VALUES ('default', $1, $2, $3, $4, $5, $6, 'pending', 0, $7, $8)",
          [
            o.key,
            o.incidentId,
            o.lane,
            o.platform,
            o.message.channel,
            JSON.stringify(o.message),
            o.nextAttemptAt,
            new Date().toISOString(),
          ],
        );
      }
      await client.query("COMMIT");
    },
    close: () => client.end(),
  };
}

// Schema and seed through the port (migrations, 56 task rows per incident), then measure one of the two.
const store = await openPgStorage(url, { max: 2 });
for (const c of work.seedCommits()) {
  const res = await store.commit(c);
  if (!res.ok) throw new Error(res.reason);
}
const target = floor
  ? await rawFloor()
  : {
      async commit(c: Commit) {
        const res = await store.commit(c);
        if (!res.ok) throw new Error(`commit refused: ${res.reason}`);
      },
      close: async () => {},
    };

let k = 0;
const one = async () => {
  const { commit, done } = work.next(k++);
  await target.commit(commit);
  done();
};
while (k < warmup) await one();
const times: number[] = [];
for (let i = 0; i < nAcks; i++) {
  const t = process.hrtime.bigint();
  await one();
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
}
const l = latency(times);
process.stderr.write(
  `${floor ? "raw pg floor" : "storage port"}: commits=${l.n} mean=${(l.totalMs / l.n).toFixed(3)} ms p50=${l.p50.toFixed(3)} ms p99=${l.p99.toFixed(3)} ms (${Math.round(l.perSec)} commits/s)\n`,
);
report({ handle: l });
await target.close();
await store.close();
