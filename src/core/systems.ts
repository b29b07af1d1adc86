/**
 * Systems reported as down (`ausfall 1`, `ausfall PVS`, `ausfall 1 behoben`): the recovery-time clock (RTO from the
 * organisation file) runs for a system from the moment someone reports it down, not for every system from the first
 * minute (issue #10 item 7). `status` shows the countdown only for those.
 */
import type { IncidentCx } from "./context.ts";
import { durationMs } from "./duration.ts";
import type { Inbound } from "./inbound.ts";
import { escapeMd } from "./message.ts";
import { log, post, refuse, remember } from "./primitives.ts";
import type { Loaded } from "./state.ts";
import { fold } from "./text.ts";
import { showTime } from "./time.ts";
import { nameOf, recoveryOrder } from "./views.ts";

/** `ausfall <Nr|Name> [behoben]`: marks a system as down (its RTO clock starts) or back in operation. */
export function reportOutage(cx: IncidentCx, ev: Inbound, ref: string, back: boolean): Loaded | undefined {
  const { L, t } = cx;
  const systems = recoveryOrder(cx.config);
  if (!systems.length) return refuse(cx, ev, t.outage.noSystems);
  const list = systems.map((s, i) => `${i + 1} ${escapeMd(s.name)}`).join(" · ");
  const r = ref.trim();
  if (!r) return refuse(cx, ev, t.outage.which(list));
  const byNr = /^\d+$/.test(r) ? systems[Number(r) - 1] : undefined;
  const f = fold(r);
  const named = systems.filter((s) => fold(s.name).includes(f));
  const sys = byNr ?? (named.length === 1 ? named[0] : undefined);
  if (!sys) return refuse(cx, ev, t.outage.unknown(escapeMd(r), list));
  const nr = systems.indexOf(sys) + 1;
  remember(L, ev.actor);
  L.st.systems ??= {};
  const was = L.st.systems[sys.name];
  const name = escapeMd(sys.name);
  if (back) {
    if (!was || was.upAt) return refuse(cx, ev, t.outage.notDown(name, nr));
    L.st.systems[sys.name] = { ...was, upAt: cx.iso };
    log(cx, ev.actor, "outage", `Wieder in Betrieb: ${sys.name}`, { system: sys.name, up: true });
    post(cx, `${L.rec.id}/outage/${L.rec.lastSeq}`, [{ type: "paragraph", text: t.outage.back(name, escapeMd(nameOf(L, ev.actor.id)!)) }]);
    return L;
  }
  if (was && !was.upAt) return refuse(cx, ev, t.outage.already(name, showTime(was.downAt, cx.locale), nr));
  L.st.systems[sys.name] = { downAt: cx.iso };
  const ms = sys.rto ? durationMs(sys.rto) : undefined;
  const due = ms !== undefined ? showTime(new Date(cx.now.getTime() + ms).toISOString(), cx.locale) : undefined;
  log(cx, ev.actor, "outage", `Ausgefallen: ${sys.name}${sys.rto ? ` (RTO ${sys.rto})` : ""}`, { system: sys.name, rto: sys.rto ?? null });
  post(cx, `${L.rec.id}/outage/${L.rec.lastSeq}`, [
    { type: "paragraph", text: t.outage.down(name, escapeMd(nameOf(L, ev.actor.id)!), sys.rto, due, nr) },
  ]);
  return L;
}
