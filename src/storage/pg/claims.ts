/**
 * What several processes on one PostgreSQL need to share work without doing it twice: leases on outbox rows and
 * on due timers. A claim is one statement: `UPDATE … WHERE key IN (SELECT … FOR UPDATE SKIP LOCKED)`, so two
 * processes claiming at the same moment never get the same row and never wait for each other. A lease that runs
 * out (its process died or hangs) makes the row claimable again; times are ISO strings from the caller's clock.
 */
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { PgColumn } from "drizzle-orm/pg-core";
import { orm } from "../drizzle.ts";
import { deliveries, outbox, timers } from "./schema.ts";
import { laneHead, outboxFields, timerFields } from "./statements.ts";

const { and, asc, eq, inArray, isNull, lt, lte, or, Param, sql } = orm;
const ph = sql.placeholder;

function bound(col: PgColumn, name: string) {
  return sql`${new Param(ph(name), col)}`;
}

/** Statements for claiming, prepared on the pool (deployment-wide: rows of every tenant). */
export function claimStatements(db: NodePgDatabase) {
  const leaseFree = (until: PgColumn) => or(isNull(until), lte(until, ph("now")));
  const isLaneHead = laneHead(db);
  const outboxHeads = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        eq(outbox.status, "pending"),
        lte(outbox.nextAttemptAt, ph("now")),
        leaseFree(outbox.claimedUntil),
        // only platforms this process can deliver to now (e.g. Matrix only in the process holding the sync)
        sql`(${ph("platforms")}::text[] is null or ${outbox.platform} = any(${ph("platforms")}::text[]))`,
        isLaneHead,
      ),
    )
    .orderBy(asc(outbox.id))
    .limit(ph("limit"))
    .for("update", { of: outbox, skipLocked: true });
  const dueTimers = db
    .select({ tenant: timers.tenant, id: timers.id })
    .from(timers)
    .where(and(isNull(timers.firedAt), isNull(timers.cancelledAt), lte(timers.dueAt, ph("now")), leaseFree(timers.claimedUntil)))
    .orderBy(asc(timers.dueAt), asc(timers.id))
    .limit(ph("limit"))
    .for("update", { of: timers, skipLocked: true });
  return {
    claimOutbox: db
      .update(outbox)
      .set({ claimedBy: bound(outbox.claimedBy, "owner"), claimedUntil: bound(outbox.claimedUntil, "until") })
      .where(inArray(outbox.id, outboxHeads))
      .returning({ ...outboxFields, tenant: outbox.tenant, claimedUntil: outbox.claimedUntil })
      .prepare("nf_claim_outbox"),
    /** When the next lane head becomes claimable (due and its lease, if any, run out), over all tenants. */
    nextOutboxClaimable: db
      .select({ at: sql<string | null>`min(greatest(${outbox.nextAttemptAt}, coalesce(${outbox.claimedUntil}, ${outbox.nextAttemptAt})))` })
      .from(outbox)
      .where(and(eq(outbox.status, "pending"), isLaneHead))
      .prepare("nf_next_outbox_claimable"),
    claimTimers: db
      .update(timers)
      .set({ claimedBy: bound(timers.claimedBy, "owner"), claimedUntil: bound(timers.claimedUntil, "until") })
      .where(sql`(${timers.tenant}, ${timers.id}) in ${dueTimers}`)
      .returning({ ...timerFields, tenant: timers.tenant, claimedUntil: timers.claimedUntil })
      .prepare("nf_claim_timers"),
    /** When the next timer becomes claimable, over all tenants. */
    nextTimerClaimable: db
      .select({ at: sql<string | null>`min(greatest(${timers.dueAt}, coalesce(${timers.claimedUntil}, ${timers.dueAt})))` })
      .from(timers)
      .where(and(isNull(timers.firedAt), isNull(timers.cancelledAt)))
      .prepare("nf_next_timer_claimable"),
    releaseOutbox: db
      .update(outbox)
      .set({ claimedBy: null, claimedUntil: null })
      .where(and(eq(outbox.claimedBy, ph("owner")), eq(outbox.status, "pending")))
      .prepare("nf_release_outbox"),
    releaseTimers: db
      .update(timers)
      .set({ claimedBy: null, claimedUntil: null })
      .where(and(eq(timers.claimedBy, ph("owner")), isNull(timers.firedAt)))
      .prepare("nf_release_timers"),
    /** Forgets old inbound delivery ids of every tenant. */
    pruneDeliveries: db
      .delete(deliveries)
      .where(lt(deliveries.receivedAt, ph("before")))
      .prepare("nf_prune_all_deliveries"),
  };
}

export type ClaimStatements = ReturnType<typeof claimStatements>;
