/**
 * Documents on the server: `export [NF-…]` (Markdown + JSON of the incident with the hash-chain check) and
 * `handbuch` (the printable emergency handbook). The decision builds the content and names the files; the shell
 * writes them (see {@link Effect}).
 */
import { buildReport } from "../report/build.ts";
import { verifyChain } from "./chain.ts";
import { type Cx, fetched, type IncidentCx } from "./context.ts";
import { buildExport } from "./export.ts";
import type { Inbound } from "./inbound.ts";
import type { TaskRow, TimelineEntry } from "./ports.ts";
import { env, holdsAnyRole, log, post, refuse, reply } from "./primitives.ts";
import type { Loaded } from "./state.ts";

/** `export`: role holders write the incident's documentation. Needs the stored history. */
export function exportIncident(cx: IncidentCx, ev: Inbound): Loaded | undefined {
  const { L, t } = cx;
  // role holders may export, not only the coordinator
  if (!holdsAnyRole(L, ev.actor.id)) return refuse(cx, ev, t.err.exportNotAllowed);
  log(cx, ev.actor, "export", "Export erstellt", null);
  const history = fetched(cx, "history");
  const entries = [...history.timeline, ...cx.w.timeline];
  const verdict = verifyChain(entries);
  const files = exportFiles(cx, L, entries, history.tasks);
  post(cx, `${L.rec.id}/export/${L.rec.lastSeq}`, [
    { type: "paragraph", text: t.exportDone(files.map((f) => `\`${f}\``).join(", "), verdict.ok) },
  ]);
  return L;
}

/**
 * Markdown + JSON of an incident, and the incident report as data for the PDF, as an effect for the shell; returns the
 * file names (none without an export sink). Also used by `notfallbot export`.
 */
export function exportFiles(cx: Cx, L: Loaded, entries: TimelineEntry[], tasks: TaskRow[]): string[] {
  const paths = cx.exportPaths(L.rec.id);
  if (!paths.length) return paths;
  const out = buildExport(L, entries, env(cx, L), tasks);
  cx.w.effects.push({
    kind: "export",
    incidentId: L.rec.id,
    files: [
      { ext: "md", content: out.markdown },
      { ext: "json", content: out.json },
      { ext: "pdf", report: buildReport(L, entries, env(cx, L), tasks) },
    ],
  });
  return paths;
}

/** `handbuch`: the printable handbook, where this deployment can write one. */
export function handbook(cx: Cx, ev: Inbound): undefined {
  const { t } = cx;
  if (!cx.handbookPaths) return refuse(cx, ev, t.err.handbookUnavailable);
  cx.w.effects.push({ kind: "handbook" });
  reply(cx, ev, [{ type: "paragraph", text: t.handbookDone(cx.handbookPaths.map((f) => `\`${f}\``).join(", ")) }], false);
  return undefined;
}
