/** `status [NF-…]`: the situation on one screen (phase, roles, open tasks, deadlines with time left, recovery order). */
import type { IncidentCx } from "./context.ts";
import { env, post } from "./primitives.ts";
import { statusBlocks } from "./views.ts";

/** Posts the status into the incident's thread. Changes nothing, so the incident is not written. */
export function status(cx: IncidentCx): undefined {
  const { L } = cx;
  post(cx, `${L.rec.id}/status/${cx.w.timeline.length}-${cx.now.getTime()}`, statusBlocks(L, env(cx)));
  return undefined;
}
