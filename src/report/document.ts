import type { Block } from "../handbook/model.ts";
import type { PrintDocument } from "../handbook/pdf.ts";
import type { IncidentReport } from "./model.ts";
import type { ReportText } from "./text.ts";

/**
 * The incident report laid out as a printable document (the same print engine as the handbook). Pure. What
 * people typed goes only into data cells, data facts and quotes, which the engine prints oblique and literally:
 * no typed text can look like a heading of this report or like its verification box.
 */
export function reportDocument(r: IncidentReport, t: ReportText, chart: { svg: string; height: number } | undefined): PrintDocument {
  const v = r.verification;
  const blocks: Block[] = [
    { type: "title", text: t.title(r.id), ...(r.org ? { subtitle: r.org } : {}) },
    { type: "paragraph", size: "small", text: t.intro(t.time(r.exportedAt)) },
  ];
  if (r.drill) blocks.push({ type: "callout", tone: "warning", text: `${t.drill}\n${t.drillText}` });
  const f = t.facts;
  const end = r.closedAt ?? r.until;
  blocks.push(
    { type: "heading", text: f.heading },
    {
      type: "facts",
      rows: [
        { label: f.type, value: r.type },
        { label: f.title, value: r.title, data: true },
        { label: f.level, value: r.level },
        { label: f.opened, value: t.time(r.openedAt) },
        { label: f.aware, value: t.time(r.awareAt) },
        { label: f.closed, value: r.closedAt ? t.time(r.closedAt) : f.stillOpen },
        { label: f.duration, value: t.duration(new Date(end).getTime() - new Date(r.openedAt).getTime()) },
        ...(r.declaredBy ? [{ label: f.declaredBy, value: r.declaredBy, data: true }] : []),
        ...r.roles.map((role) => ({ label: role.name, value: role.holder ?? t.roles.nobody, data: role.holder !== undefined })),
      ],
    },
  );
  if (r.description) blocks.push({ type: "subheading", text: f.description }, { type: "quote", text: r.description });
  if (r.closeReason) blocks.push({ type: "subheading", text: f.closeReason }, { type: "quote", text: r.closeReason });
  blocks.push(verificationBox(r, t));

  // the picture, its heading and the caption that explains its marks stay on one page: a legend alone at the top of
  // the next page explains nothing to someone holding the first
  if (chart)
    blocks.push({
      type: "group",
      blocks: [
        { type: "heading", text: t.chart.heading },
        { type: "svg", svg: chart.svg, height: chart.height },
        { type: "paragraph", size: "small", text: t.chart.caption },
      ],
    });
  else blocks.push({ type: "heading", text: t.chart.heading }, { type: "paragraph", text: t.chart.failed });

  const d = t.deadlines;
  blocks.push({ type: "heading", text: d.heading });
  if (r.deadlines.length === 0) blocks.push({ type: "paragraph", text: d.none });
  else
    blocks.push({
      type: "table",
      columns: [
        { title: d.columns.title, width: 4 },
        { title: d.columns.started, width: 2 },
        { title: d.columns.due, width: 2 },
        { title: d.columns.met, width: 2 },
        { title: d.columns.result, width: 1.6 },
      ],
      rows: r.deadlines.map((x) => [
        x.title,
        x.startedAt ? t.time(x.startedAt) : "",
        x.dueAt ? t.time(x.dueAt) : d.asap,
        x.metAt ? t.time(x.metAt) : "–",
        d.state[x.state],
      ]),
    });

  const ro = t.roles;
  blocks.push(
    { type: "heading", text: ro.heading },
    {
      type: "table",
      columns: [
        { title: ro.columns.role, width: 2.6 },
        { title: ro.columns.holder, width: 2.6, data: true },
        { title: ro.columns.taken, width: 2 },
        { title: ro.columns.firstAck, width: 2 },
        { title: ro.columns.reaction, width: 1.6 },
      ],
      rows: r.roles.map((x) => [
        x.name,
        x.holder ?? "",
        x.takenAt ? t.time(x.takenAt) : "–",
        x.firstAckAt ? t.time(x.firstAckAt) : "–",
        x.firstAckAt ? t.duration(new Date(x.firstAckAt).getTime() - new Date(r.openedAt).getTime()) : "–",
      ]),
    },
  );

  const ph = t.phases;
  blocks.push(
    { type: "heading", text: ph.heading },
    {
      type: "table",
      columns: [
        { title: ph.columns.phase, width: 2.6 },
        { title: ph.columns.from, width: 2 },
        { title: ph.columns.to, width: 2 },
        { title: ph.columns.duration, width: 1.4 },
        { title: ph.columns.override, width: 3, data: true },
      ],
      rows: r.phases.map((p) => [
        p.name,
        t.time(p.from),
        p.to ? t.time(p.to) : ph.running,
        t.duration(new Date(p.to ?? r.until).getTime() - new Date(p.from).getTime()),
        p.override ?? "",
      ]),
    },
  );

  const le = t.lessons;
  blocks.push({ type: "heading", text: le.heading });
  for (const l of r.lessons) {
    blocks.push({ type: "paragraph", bold: true, text: l.question });
    blocks.push(l.answer ? { type: "quote", text: l.answer } : { type: "paragraph", size: "small", text: le.noAnswer });
  }
  blocks.push({ type: "subheading", text: le.followUps });
  blocks.push(
    r.followUps.length
      ? { type: "list", items: r.followUps.map((x) => ({ text: `${x.task} (${x.role})` })) }
      : { type: "paragraph", text: le.none },
  );

  const ta = t.tasks;
  blocks.push({ type: "heading", text: ta.heading }, { type: "paragraph", text: ta.counts(r.tasks.done, r.tasks.skipped, r.tasks.open) });
  if (r.tasks.skippedWhy.length)
    blocks.push({
      type: "table",
      columns: [
        { title: ta.columns.task, width: 6 },
        { title: ta.columns.reason, width: 4, data: true },
      ],
      rows: r.tasks.skippedWhy.map((x) => [x.task, x.reason]),
    });

  const an = t.answers;
  blocks.push(
    { type: "heading", text: an.heading },
    {
      type: "table",
      columns: [
        { title: an.columns.question, width: 6 },
        { title: an.columns.answer, width: 4, data: true },
      ],
      rows: r.answers.map((a) => [a.question, a.answer ?? an.none]),
    },
  );

  const tl = t.timeline;
  blocks.push(
    { type: "heading", text: tl.heading },
    {
      type: "table",
      columns: [
        { title: tl.columns.nr, width: 0.7 },
        { title: tl.columns.time, width: 2 },
        { title: tl.columns.who, width: 1.8, data: true },
        { title: tl.columns.kind, width: 1.3 },
        { title: tl.columns.text, width: 6, data: true },
      ],
      rows: r.timeline.map((e) => [String(e.seq), t.time(e.at), e.who, tl.kinds[e.kind] ?? e.kind, e.text]),
    },
  );

  blocks.push({ type: "heading", text: t.chain.heading }, verificationBox(r, t), { type: "paragraph", size: "small", text: t.chain.how });

  return {
    title: t.title(r.id),
    subject: t.subject,
    org: r.org ?? r.type,
    generatedAt: new Date(r.exportedAt),
    chrome: t.chrome,
    ...(r.drill ? { banner: t.drill } : {}),
    footNote: v.ok ? t.chain.footOk(r.id, v.head) : t.chain.footBroken(r.id, v.firstBad),
    pages: [{ id: "bericht", title: t.title(r.id), blocks }],
  };
}

/** The hash chain's verdict in a coloured frame, with the final checksum in a typewriter face. */
function verificationBox(r: IncidentReport, t: ReportText): Block {
  const v = r.verification;
  return v.ok
    ? { type: "callout", tone: "ok", text: `${t.chain.heading}\n${t.chain.ok(v.entries)}\n${t.chain.head}`, code: v.head }
    : { type: "callout", tone: "warning", text: `${t.chain.heading}\n${t.chain.broken(v.firstBad, v.problem)}` };
}
