import { isoDuration, legalClocks } from "../config/clocks.ts";
import { fieldLabel, fieldValue, roleHolders } from "../config/gaps.ts";
import { systemsInOrder } from "../config/summary.ts";
import { flagsOf, type OrgConfig } from "../core/org.ts";
import { type CallTarget, phoneAt, phonesForTask } from "../core/phones.ts";
import { type Condition, type Level, loc, type Playbook, ROLES, type Task, type Template, WORK_PHASES } from "../machines/schema.ts";
import { placeholderLabels } from "../templates/placeholders.ts";
import { formBlock, shortQuestion } from "./forms.ts";
import { type Block, type CheckItem, type Handbook, type HandbookPage, pageRef, type TocLine } from "./model.ts";
import { type PaperContext, type PaperTarget, paperText } from "./paper.ts";
import { datesLine, HANDBOOK_TEXT, type HandbookLocale, type HandbookText } from "./text.ts";

/** What the handbook is made from. Without `config`, every organisation value is a visible gap. */
export interface HandbookInput {
  playbooks: readonly Playbook[];
  config: OrgConfig | undefined;
  /** Print date; default now. */
  now?: Date;
  /** Date of the organisation file (its modification time), printed on every page. */
  configDate?: Date;
  /** Fields of the organisation file that still hold example data (config/warnings.ts); any: banner on every page. */
  examples?: readonly string[];
  locale?: HandbookLocale;
}

/** Phases whose tasks are the immediate actions printed per incident type. */
export const IMMEDIATE_PHASES = ["erkennung", "sofort"] as const;
/** Phases printed after them ("Danach, Phase für Phase"). */
const LATER_PHASES = WORK_PHASES.filter((p) => !(IMMEDIATE_PHASES as readonly string[]).includes(p));

/** Anchors of the parts other text points at. */
const ANCHOR = {
  card: "notfallkarte",
  common: "jeder-notfall",
  sharedForms: "vorlagen-gemeinsam",
  log: "protokoll",
  calls: "kontaktblatt",
  contacts: "kontakte",
  recovery: "wiederanlauf",
  deadlines: "fristen",
  type: (id: string) => `art-${id}`,
  forms: (id: string) => `vorlagen-${id}`,
  form: (owner: string, id: string) => `vorlage-${owner}-${id}`,
} as const;

/** The targets printed on the call sheet, in this order. */
const CALL_SHEET: readonly CallTarget[] = ["it.hotline", "dpo.phone", "authority.phone", "police.phone", "insurer.hotline", "bank.hotline"];

/** How many fields with example data the cover names. */
const EXAMPLES_SHOWN = 5;

const gap = (label: string) => `[[${label}]]`;

/** The value of a field of the organisation file, or its visible gap. */
function v(cx: { cfg: OrgConfig | undefined; t: HandbookText }, field: string): string {
  return fieldValue(cx.cfg, field) ?? gap(fieldLabel(field, cx.t.locale));
}

/** Incident types in print order: by `rang` (1 first), unranked ones after them by title. */
export function byRank(playbooks: readonly Playbook[], locale: HandbookLocale = "de"): Playbook[] {
  return playbooks
    .map((pb, i) => ({ pb, i }))
    .sort(
      (a, b) =>
        (a.pb.rang ?? Number.POSITIVE_INFINITY) - (b.pb.rang ?? Number.POSITIVE_INFINITY) ||
        loc(a.pb.title, locale).localeCompare(loc(b.pb.title, locale), locale) ||
        a.i - b.i,
    )
    .map(({ pb }) => pb);
}

/** Everything the page builders share. */
interface Cx {
  t: HandbookText;
  cfg: OrgConfig | undefined;
  playbooks: Playbook[];
  common: Set<string>;
  sharedTemplates: SharedTemplate[];
  types: Map<string, PaperTarget>;
  names: Map<string, string>;
}

/** Builds the whole handbook. Pure: same input, same output. */
export function buildHandbook(input: HandbookInput): Handbook {
  const locale = input.locale ?? "de";
  const t = HANDBOOK_TEXT[locale];
  const cfg = input.config;
  const playbooks = byRank(input.playbooks, locale);
  const common = commonTaskIds(playbooks, cfg);
  const sharedTemplates = sharedTemplatesOf(playbooks, cfg);
  const types = new Map(playbooks.map((pb) => [pb.id, { title: loc(pb.title, locale), anchor: ANCHOR.type(pb.id) }]));
  const names = new Map(playbooks.flatMap((pb) => [pb.id, ...pb.triggers].map((n) => [n.toLowerCase(), pb.id] as const)));
  // English texts name another type by (a part of) its English title: "/notfall payment fraud"
  if (locale === "en")
    for (const pb of playbooks)
      for (const part of loc(pb.title, "en")
        .toLowerCase()
        .split(/ and | or |, /))
        if (!names.has(part.trim())) names.set(part.trim(), pb.id);
  const cx: Cx = { t, cfg, playbooks, common, sharedTemplates, types, names };
  const generatedAt = input.now ?? new Date();
  const examples = input.examples ?? [];
  const typePages = playbooks.flatMap((pb) => {
    const forms = formsPage(cx, pb);
    return forms ? [incidentPage(cx, pb), forms] : [incidentPage(cx, pb)];
  });
  const rest: HandbookPage[] = [
    ...(common.size ? [commonPage(cx)] : []),
    ...typePages,
    ...(sharedTemplates.length ? [sharedFormsPage(cx)] : []),
    logPage(cx),
    callSheetPage(cx),
    contactPage(cx),
    recoveryPage(cx),
    deadlinePage(cx),
  ];
  const card = emergencyCard(cx);
  return {
    locale,
    title: t.title,
    org: v(cx, "name"),
    generatedAt,
    hasConfig: cfg !== undefined,
    ...(input.configDate ? { configDate: input.configDate } : {}),
    examples: examples.length > 0,
    pages: [coverPage(cx, generatedAt, input.configDate, examples, [card, ...rest]), card, ...rest],
  };
}

/** Title, the internal number, how to use it and the table of contents. */
function coverPage(cx: Cx, now: Date, configDate: Date | undefined, examples: readonly string[], pages: HandbookPage[]): HandbookPage {
  const { t, cfg } = cx;
  const blocks: Block[] = [
    { type: "title", text: t.title, subtitle: v(cx, "name") },
    {
      type: "paragraph",
      size: "small",
      text: datesLine(t, now, { present: cfg !== undefined, date: configDate }),
    },
  ];
  if (examples.length) {
    const shown = examples.slice(0, EXAMPLES_SHOWN).join(", ");
    const fields = examples.length > EXAMPLES_SHOWN ? t.cover.examplesMore(shown, examples.length - EXAMPLES_SHOWN) : shown;
    blocks.push({ type: "callout", tone: "warning", text: `${t.cover.examplesTitle}\n${t.cover.examplesText(fields)}` });
  }
  blocks.push(
    { type: "callout", text: t.cover.emergencyNumber(v(cx, "emergency_phone")) },
    { type: "paragraph", size: "small", text: t.cover.keep },
    { type: "subheading", text: t.cover.howTitle },
    { type: "list", ordered: true, items: t.cover.how.map((text) => ({ text })) },
    { type: "heading", text: t.cover.tocTitle },
    { type: "toc", lines: tocLines(cx, pages) },
  );
  return { id: "deckblatt", title: t.title, blocks };
}

function tocLines(cx: Cx, pages: HandbookPage[]): TocLine[] {
  const { t } = cx;
  const lines: TocLine[] = [];
  let group = "";
  for (const p of pages) {
    if (p.id.startsWith("vorlagen-") && p.id !== ANCHOR.sharedForms) continue; // listed on the type's page
    const g = p.id.startsWith("art-")
      ? t.cover.tocTypes
      : p.id === ANCHOR.card || p.id === ANCHOR.common
        ? t.cover.tocFirst
        : t.cover.tocSheets;
    if (g !== group) {
      group = g;
      lines.push({ kind: "group", text: g });
    }
    lines.push({ kind: "entry", text: p.title, anchor: p.id });
  }
  return lines;
}

function emergencyCard(cx: Cx): HandbookPage {
  const { t } = cx;
  const k = t.card;
  return {
    id: ANCHOR.card,
    title: k.title,
    blocks: [
      { type: "title", text: k.title, subtitle: k.subtitle },
      { type: "paragraph", size: "large", bold: true, text: k.calm },
      { type: "callout", size: "large", text: k.number(v(cx, "emergency_phone")) },
      { type: "paragraph", text: k.rather },
      { type: "subheading", text: k.sayTitle },
      { type: "list", ordered: true, size: "large", items: k.say.map((text) => ({ text })) },
      { type: "subheading", text: k.doTitle },
      { type: "list", size: "large", items: k.do.map((x) => ({ ...x })) },
      { type: "paragraph", size: "small", text: k.chat },
    ],
  };
}

/** Whether a condition on the organisation file holds (true without a file: nothing is known, print it). */
function configHolds(when: Condition | undefined, cfg: OrgConfig | undefined): boolean {
  if (!cfg || !when?.config) return true;
  return Boolean(flagsOf(cfg)[when.config]);
}

/** The tasks of some phases that apply with this configuration. */
function tasksIn(pb: Playbook, cfg: OrgConfig | undefined, phases: readonly string[]): Task[] {
  return pb.tasks.filter((t) => phases.includes(t.phase) && configHolds(t.when, cfg));
}

/** The immediate actions of a playbook (phases Erkennung and Sofortmaßnahmen) that apply with this configuration. */
export function immediateTasks(pb: Playbook, cfg: OrgConfig | undefined): Task[] {
  return tasksIn(pb, cfg, IMMEDIATE_PHASES);
}

/**
 * Immediate actions that every playbook shares (the common fragment: roles, fallback channel, log, insurer, data
 * protection). Printed once on their own page instead of on every incident page. Needs two playbooks or more.
 * Later phases are printed per incident type in full, so that each type's pages are complete on their own.
 */
export function commonTaskIds(playbooks: readonly Playbook[], cfg: OrgConfig | undefined): Set<string> {
  if (playbooks.length < 2) return new Set();
  const [first, ...rest] = playbooks;
  const ids = immediateTasks(first!, cfg).map((t) => t.id);
  const immediate = (t: Task) => (IMMEDIATE_PHASES as readonly string[]).includes(t.phase);
  return new Set(ids.filter((id) => rest.every((pb) => pb.tasks.some((t) => t.id === id && immediate(t)))));
}

/** A template several playbooks have with the same text: printed once, on the page of shared forms. */
interface SharedTemplate {
  tpl: Template;
  anchor: string;
  /** Playbooks that have it, in print order. */
  owners: Playbook[];
}

const templateKey = (tpl: Template) => JSON.stringify([tpl.id, tpl.title, tpl.body]);

/** Templates two or more playbooks have with the same text (and that apply with this configuration). */
function sharedTemplatesOf(playbooks: readonly Playbook[], cfg: OrgConfig | undefined): SharedTemplate[] {
  const byKey = new Map<string, { tpl: Template; owners: Playbook[] }>();
  for (const pb of playbooks)
    for (const tpl of pb.templates) {
      if (!configHolds(tpl.when, cfg)) continue;
      const entry = byKey.get(templateKey(tpl)) ?? { tpl, owners: [] };
      entry.owners.push(pb);
      byKey.set(templateKey(tpl), entry);
    }
  const used = new Set<string>();
  return [...byKey.values()]
    .filter((e) => e.owners.length > 1)
    .map((e) => {
      let anchor = ANCHOR.form("gemeinsam", e.tpl.id);
      for (let n = 2; used.has(anchor); n++) anchor = ANCHOR.form("gemeinsam", `${e.tpl.id}-${n}`);
      used.add(anchor);
      return { ...e, anchor };
    });
}

/** The shared form a playbook's template is printed as, if it is one. */
function sharedFor(cx: Cx, tpl: Template): SharedTemplate | undefined {
  return cx.sharedTemplates.find((x) => templateKey(x.tpl) === templateKey(tpl));
}

/** The templates printed in a playbook's own forms section. */
function ownTemplates(cx: Cx, pb: Playbook): Template[] {
  return pb.templates.filter((tpl) => !sharedFor(cx, tpl) && configHolds(tpl.when, cx.cfg));
}

/** What this playbook's texts can point at on paper: its own forms and the shared ones it has. */
function paperFor(cx: Cx, pb: Playbook): PaperContext {
  const templates = new Map<string, PaperTarget>();
  for (const tpl of pb.templates) {
    if (!configHolds(tpl.when, cx.cfg)) continue;
    const shared = sharedFor(cx, tpl);
    const target = { title: loc(tpl.title, cx.t.locale), anchor: shared?.anchor ?? ANCHOR.form(pb.id, tpl.id) };
    templates.set(tpl.id, target);
    // English texts name templates by their English name: "(template staff)"
    if (cx.t.locale === "en" && tpl.name_en && !templates.has(tpl.name_en)) templates.set(tpl.name_en, target);
  }
  return { t: cx.t, templates, playbooks: cx.types, playbookNames: cx.names, log: ANCHOR.log };
}

function commonPage(cx: Cx): HandbookPage {
  const { t } = cx;
  const pb = cx.playbooks[0]!;
  const pcx = paperFor(cx, pb);
  const now = immediateTasks(pb, cx.cfg).filter((x) => cx.common.has(x.id));
  return {
    id: ANCHOR.common,
    title: t.common.title,
    blocks: [
      { type: "heading", text: t.common.title },
      { type: "paragraph", size: "small", text: t.common.intro },
      ...roleGroups(cx, now, pb, pcx),
    ],
  };
}

function incidentPage(cx: Cx, pb: Playbook): HandbookPage {
  const { t, cfg } = cx;
  const pcx = paperFor(cx, pb);
  const now = immediateTasks(pb, cfg).filter((x) => !cx.common.has(x.id));
  const later = tasksIn(pb, cfg, LATER_PHASES);
  const levels = Object.entries(pb.levels ?? {}).map(([lvl, info]) => ({
    label: t.incident.raiseWhen(t.names.levelName[lvl as Level]),
    value: paperText(loc(info.raise_when, cx.t.locale), pcx),
  }));
  const blocks: Block[] = [
    { type: "heading", text: loc(pb.title, cx.t.locale) },
    { type: "paragraph", text: paperText(loc(pb.summary, cx.t.locale), pcx) },
    { type: "facts", rows: [{ label: t.incident.level, value: t.names.levelName[pb.level] }, ...levels] },
    {
      type: "paragraph",
      size: "small",
      text: `${t.incident.intro}${cx.common.size ? ` ${t.incident.alsoCommon(pageRef(ANCHOR.common))}` : ""}`,
    },
    ...roleGroups(cx, now, pb, pcx),
  ];
  if (now.length === 0) blocks.push({ type: "paragraph", text: t.incident.noTasks });
  const own = ownTemplates(cx, pb);
  if (own.length)
    blocks.push({
      type: "paragraph",
      text: t.incident.templates(
        own.map((tpl) => `${t.forms.quote(loc(tpl.title, t.locale))} (${pageRef(ANCHOR.form(pb.id, tpl.id))})`).join(", "),
      ),
    });
  blocks.push(...laterGroups(cx, later, pb, pcx));
  return { id: ANCHOR.type(pb.id), title: loc(pb.title, cx.t.locale), blocks };
}

/** One group per role: its name and its tasks with tick boxes, kept on one page when it fits. */
function roleGroups(cx: Cx, tasks: Task[], pb: Playbook, pcx: PaperContext): Block[] {
  return ROLES.flatMap((role) => {
    const mine = tasks.filter((t) => t.role === role);
    if (mine.length === 0) return [];
    return [
      {
        type: "group",
        blocks: [
          { type: "subheading", text: cx.t.names.roleName[role] },
          { type: "checklist", items: mine.map((t) => checkItem(cx, t, pb, pcx, false)) },
        ],
      } satisfies Block,
    ];
  });
}

/** The later phases, one group each, every task with its role. */
function laterGroups(cx: Cx, tasks: Task[], pb: Playbook, pcx: PaperContext): Block[] {
  const groups: Block[] = LATER_PHASES.flatMap((phase) => {
    const mine = tasks.filter((t) => t.phase === phase);
    if (mine.length === 0) return [];
    return [
      {
        type: "group",
        split: true,
        blocks: [
          { type: "subheading", text: cx.t.names.phaseName[phase] },
          { type: "checklist", size: "small", items: mine.map((t) => checkItem(cx, t, pb, pcx, true)) },
        ],
      } satisfies Block,
    ];
  });
  if (groups.length === 0) return [];
  const [first, ...rest] = groups as Extract<Block, { type: "group" }>[];
  // the section title stays with the first phase
  return [
    {
      type: "group",
      split: true,
      blocks: [
        { type: "heading", text: cx.t.incident.later },
        { type: "paragraph", size: "small", text: cx.t.incident.laterIntro },
        ...first!.blocks,
      ],
    },
    ...rest,
  ];
}

function checkItem(cx: Cx, task: Task, pb: Playbook, pcx: PaperContext, withRole: boolean): CheckItem {
  const { t, cfg } = cx;
  const notes: string[] = [];
  if (withRole) notes.push(t.names.roleShort[task.role]);
  if (task.due) notes.push(t.incident.within(isoDuration(task.due, t.locale)));
  const cond = conditionParts(task.when, pb, cfg, t);
  if (cond) notes.push(t.incident.onlyIf(cond));
  const text = paperText(loc(task.text, cx.t.locale), pcx);
  const phones = phonesForTask(task, cfg).map((p) => {
    const known = t.phones[p.target];
    return { label: p.name ?? known?.label ?? p.target, number: p.number ?? gap(known?.gap ?? p.target) };
  });
  return {
    text: notes.length ? `${text} (${notes.join("; ")})` : text,
    ...(task.critical ? { strong: true } : {}),
    ...(phones.length ? { phones } : {}),
  };
}

/** "Werden gerade noch Dateien verschlüsselt? ja", "ab Stufe Krise", "wenn NIS2 gilt"; undefined without condition. */
function conditionParts(when: Condition | undefined, pb: Playbook, cfg: OrgConfig | undefined, t: HandbookText): string | undefined {
  if (!when) return undefined;
  const parts: string[] = [];
  if (when.question) {
    const q = pb.questions.find((x) => x.id === when.question);
    const text = q ? shortQuestion(loc(q.text, t.locale)) : when.question;
    const said = (a: string) => t.answers[a] ?? a;
    const ans =
      when.answer === undefined
        ? t.incident.answered
        : Array.isArray(when.answer)
          ? when.answer.map(said).join(t.incident.or)
          : said(when.answer);
    parts.push(`${text} ${ans}`);
  }
  if (when.min_level) parts.push(t.incident.fromLevel(t.names.levelName[when.min_level]));
  if (when.config && !cfg) parts.push(t.incident.configWords[when.config] ?? when.config);
  return parts.length ? parts.join(", ") : undefined;
}

/** The forms of one incident type, each with its anchor. */
function formsPage(cx: Cx, pb: Playbook): HandbookPage | undefined {
  const own = ownTemplates(cx, pb);
  if (own.length === 0) return undefined;
  const pcx = paperFor(cx, pb);
  const title = cx.t.incident.formsTitle(loc(pb.title, cx.t.locale));
  return {
    id: ANCHOR.forms(pb.id),
    title,
    blocks: [
      { type: "heading", text: title },
      ...own.map((tpl) => formBlock(tpl, pb, cx.cfg, pcx, conditionParts(tpl.when, pb, cx.cfg, cx.t), ANCHOR.form(pb.id, tpl.id))),
    ],
  };
}

function sharedFormsPage(cx: Cx): HandbookPage {
  const { t } = cx;
  return {
    id: ANCHOR.sharedForms,
    title: t.forms.sharedTitle,
    blocks: [
      { type: "heading", text: t.forms.sharedTitle },
      { type: "paragraph", size: "small", text: t.forms.sharedIntro },
      ...cx.sharedTemplates.map(({ tpl, owners, anchor }) => {
        const pb = owners[0]!;
        const form = formBlock(tpl, pb, cx.cfg, paperFor(cx, pb), conditionParts(tpl.when, pb, cx.cfg, t), anchor);
        if (form.type !== "form" || owners.length === cx.playbooks.length) return form;
        return { ...form, meta: [...form.meta, t.forms.usedBy(owners.map((o) => loc(o.title, cx.t.locale)).join(", "))] };
      }),
    ],
  };
}

/** The log sheet: the incident's key facts on top, then ruled rows for time / who / what / decision. */
function logPage(cx: Cx): HandbookPage {
  const { t } = cx;
  const c = t.log.columns;
  return {
    id: ANCHOR.log,
    title: t.log.title,
    blocks: [
      { type: "heading", text: t.log.title },
      { type: "paragraph", size: "small", text: t.log.intro },
      { type: "form", title: "", meta: [], body: t.log.head },
      {
        type: "table",
        columns: [
          { title: c.time, width: 1.1 },
          { title: c.who, width: 1.8 },
          { title: c.what, width: 5.2 },
          { title: c.decision, width: 3.4 },
        ],
        rows: [],
        blank: { pages: 2, height: 24 },
      },
    ],
  };
}

/** The call sheet: every body the handbook says to call, with its number, and room to note each call. */
function callSheetPage(cx: Cx): HandbookPage {
  const { t, cfg } = cx;
  const c = t.callSheet.columns;
  const rows = CALL_SHEET.filter((target) => target !== "insurer.hotline" || !cfg || cfg.insurer).map((target) => {
    const p = phoneAt(cfg, target);
    const known = t.phones[target];
    return [[known?.label ?? target, p.name].filter(Boolean).join(": "), p.number ?? gap(known?.gap ?? target), "", "", ""];
  });
  for (const contact of cfg?.contacts ?? [])
    if (contact.phone || contact.phone_alt)
      rows.push([[contact.name, contact.role].filter(Boolean).join(", "), contact.phone ?? contact.phone_alt ?? "", "", "", ""]);
  return {
    id: ANCHOR.calls,
    title: t.callSheet.title,
    blocks: [
      { type: "heading", text: t.callSheet.title },
      { type: "paragraph", size: "small", text: t.callSheet.intro },
      {
        type: "table",
        columns: [
          { title: c.body, width: 3.4 },
          { title: c.phone, width: 2.2 },
          { title: c.at, width: 1.3 },
          { title: c.by, width: 1.3 },
          { title: c.result, width: 3.6 },
        ],
        rows,
        blank: { pages: 1, height: 24 },
      },
    ],
  };
}

function contactPage(cx: Cx): HandbookPage {
  const { t, cfg } = cx;
  const k = t.contacts;
  const holders = roleHolders(cfg, t.locale);
  const blocks: Block[] = [
    { type: "heading", text: k.title },
    { type: "callout", text: t.cover.emergencyNumber(v(cx, "emergency_phone")) },
    { type: "paragraph", size: "small", text: k.keep },
    { type: "paragraph", text: k.address(v(cx, "address"), v(cx, "phone"), v(cx, "email")) },
    { type: "subheading", text: k.roles },
    {
      type: "facts",
      rows: ROLES.map((r) => ({ label: cx.t.names.roleName[r], value: holders[r] ?? gap(placeholderLabels(t.locale)[`role.${r}`]) })),
    },
    { type: "subheading", text: k.external },
    {
      type: "table",
      columns: [
        { title: k.columns.body, width: 2 },
        { title: k.columns.name, width: 3.2 },
        { title: k.columns.phone, width: 2.2 },
        { title: k.columns.hint, width: 3.6 },
      ],
      rows: [
        [
          k.bodies.it,
          v(cx, "it.name"),
          v(cx, "it.hotline"),
          joinSome([v(cx, "it.hours"), fieldValue(cfg, "it.contract"), fieldValue(cfg, "it.email")]),
        ],
        [k.bodies.dpo, v(cx, "dpo.name"), v(cx, "dpo.phone"), v(cx, "dpo.email")],
        [
          k.bodies.authority,
          v(cx, "authority.name"),
          v(cx, "authority.phone"),
          joinSome([k.hints.authority, fieldValue(cfg, "authority.url")]),
        ],
        [k.bodies.police, v(cx, "police.name"), v(cx, "police.phone"), joinSome([k.hints.police, fieldValue(cfg, "police.url")])],
        cfg && !cfg.insurer
          ? [k.bodies.insurer, k.noInsurer, "–", k.noInsurerHint]
          : [
              k.bodies.insurer,
              v(cx, "insurer.name"),
              v(cx, "insurer.hotline"),
              joinSome([k.hints.insurerFirst, cfg?.insurer?.policy ? k.hints.insurerPolicy(cfg.insurer.policy) : undefined]),
            ],
        [k.bodies.bank, v(cx, "bank.name"), v(cx, "bank.hotline"), k.hints.bank],
      ],
    },
    { type: "paragraph", size: "small", text: k.fixed.map(([who, phone]) => `${who}: ${phone}`).join(" · ") },
  ];
  if (cfg?.insurer?.terms) blocks.push({ type: "paragraph", size: "small", text: k.insurerTerms(cfg.insurer.terms) });
  blocks.push({ type: "subheading", text: k.phoneList });
  const contacts = cfg?.contacts ?? [];
  blocks.push({
    type: "table",
    columns: [
      { title: k.phoneColumns.name, width: 3 },
      { title: k.phoneColumns.role, width: 3.4 },
      { title: k.phoneColumns.phone, width: 2.2 },
      { title: k.phoneColumns.alt, width: 2.2 },
    ],
    rows: contacts.length
      ? contacts.map((c) => [
          c.name,
          c.role ?? "",
          c.phone ?? (c.phone_alt ? "" : gap(k.phoneGap(c.name))),
          joinSome([c.phone_alt, c.email]),
        ])
      : [[gap(k.phoneColumns.name), gap(k.phoneColumns.role), gap(k.phoneColumns.phone), ""]],
  });
  return { id: ANCHOR.contacts, title: k.title, blocks };
}

function recoveryPage(cx: Cx): HandbookPage {
  const { t, cfg } = cx;
  const r = t.recovery;
  const systems = systemsInOrder(cfg);
  return {
    id: ANCHOR.recovery,
    title: r.title,
    blocks: [
      { type: "heading", text: r.title },
      { type: "paragraph", text: r.intro },
      {
        type: "table",
        columns: [
          { title: r.columns.nr, width: 0.7 },
          { title: r.columns.system, width: 4 },
          { title: r.columns.rto, width: 1.3 },
          { title: r.columns.rpo, width: 1.3 },
          { title: r.columns.notes, width: 4 },
        ],
        rows: systems.length
          ? systems.map((s, i) => [String(i + 1), s.name, s.rto ?? gap(`RTO ${s.name}`), s.rpo ?? "–", s.notes ?? ""])
          : [["1", gap(r.gapSystem), gap("RTO"), gap("RPO"), ""]],
      },
      { type: "paragraph", size: "small", text: r.outro },
    ],
  };
}

function deadlinePage(cx: Cx): HandbookPage {
  const { t, cfg } = cx;
  const d = t.deadlines;
  const clocks = legalClocks(cx.playbooks, cfg, t.locale);
  const blocks: Block[] = [
    { type: "heading", text: d.title },
    { type: "paragraph", text: d.intro },
    {
      type: "table",
      columns: [
        { title: d.columns.report, width: 3 },
        { title: d.columns.period, width: 2.2 },
        { title: d.columns.applies, width: 2 },
        { title: d.columns.about, width: 5 },
      ],
      rows: clocks.length
        ? clocks.map((c) => [
            c.title,
            `${c.period} ${c.start}`,
            c.applies ? (c.why === d.always ? d.yes : d.yesBecause(c.why)) : d.no(c.why),
            c.basis,
          ])
        : [[gap(d.title), "", "", ""]],
    },
    {
      type: "facts",
      rows: [
        { label: d.authority, value: joinSome([v(cx, "authority.name"), fieldValue(cfg, "authority.url")]) },
        { label: d.dpo, value: joinSome([v(cx, "dpo.name"), v(cx, "dpo.phone")]) },
        ...(cfg?.insurer || !cfg ? [{ label: d.insurer, value: joinSome([v(cx, "insurer.name"), v(cx, "insurer.hotline")]) }] : []),
      ],
    },
    { type: "paragraph", size: "small", text: d.note },
  ];
  return { id: ANCHOR.deadlines, title: d.title, blocks };
}

function joinSome(parts: (string | undefined)[]): string {
  return parts.filter((p): p is string => Boolean(p?.trim())).join(" · ");
}
