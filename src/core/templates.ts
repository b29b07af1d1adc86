/**
 * Communication templates (`vorlage [name]`): the list of those switched on, and one template filled from the
 * incident and the organisation file, with unknown fields shown as visible gaps `[[…]]`.
 */
import { holds } from "../machines/conditions.ts";
import { type Level, loc, type Template, templateName } from "../machines/schema.ts";
import { renderTemplate } from "../templates/render.ts";
import type { Cx, IncidentCx } from "./context.ts";
import { answersOf, incidentFacts } from "./facts.ts";
import type { Inbound } from "./inbound.ts";
import { type Block, escapeMd } from "./message.ts";
import { privacyContact } from "./phones.ts";
import { env, log, post, refuse } from "./primitives.ts";
import type { Loaded } from "./state.ts";
import { shorten } from "./text.ts";
import { showTime } from "./time.ts";
import { ctxOf, nameOf, questionLabel, templatesListBlocks } from "./views.ts";

/** `vorlage` lists the templates; `vorlage <name>` shows one, filled in. */
export function showTemplate(cx: IncidentCx, ev: Inbound, name?: string): Loaded | undefined {
  const { L, t } = cx;
  if (!name) {
    post(cx, `${L.rec.id}/templates/${cx.now.getTime()}`, templatesListBlocks(L, env(cx)));
    return undefined;
  }
  const tpl = findTemplate(L.pb.templates, name);
  if (!tpl)
    return refuse(
      cx,
      ev,
      t.err.templateUnknown(escapeMd(shorten(name, 60)), L.pb.templates.map((x) => `\`${templateName(x, cx.locale)}\``).join(", ")),
    );
  // asked for by name, a template is always shown; before its condition holds, with one line on when it applies
  const blocks: Block[] = [];
  if (!holds(tpl.when, incidentFacts(L))) {
    const q = tpl.when?.question;
    const idx = q ? L.pb.questions.findIndex((x) => x.id === q) : -1;
    const answer = tpl.when?.answer === undefined ? "ja" : [tpl.when.answer].flat()[0]!;
    const how = idx >= 0 && ctxOf(L).answers[q!] === undefined ? answerCommand(cx.locale, questionLabel(idx), answer) : undefined;
    const applies = tpl.applies_when ? loc(tpl.applies_when, cx.locale) : t.templateAppliesFallback;
    blocks.push({ type: "context", text: t.templateNotYet(applies, how) });
  }
  const rendered = renderTemplate(loc(tpl.body, cx.locale), templateContext(cx, L));
  if (L.rec.drill && tpl.external) blocks.push({ type: "context", text: `🧪 ${t.templateExternalDrill}` });
  blocks.push({ type: "template", title: loc(tpl.title, cx.locale), body: rendered.text });
  blocks.push({
    type: "context",
    text: rendered.gaps.length ? `${t.templateFooter} ${t.templateGaps(rendered.gaps.map((g) => `[[${g}]]`))}` : t.templateFooter,
  });
  log(cx, ev.actor, "template", `Vorlage angezeigt: ${loc(tpl.title, "de")}`, {
    template: tpl.id,
    gaps: rendered.gaps,
    due: holds(tpl.when, incidentFacts(L)),
  });
  post(cx, `${L.rec.id}/template/${tpl.id}/${L.rec.lastSeq}`, blocks);
  return L;
}

/** Who a template is for, in English, so `template police` finds the template for `polizei`. */
const AUDIENCE_EN: Record<Template["audience"], string[]> = {
  mitarbeitende: ["staff", "employees", "team"],
  patienten: ["patients", "affected", "data-subjects"],
  kunden: ["customers", "clients"],
  datenschutzbehoerde: ["authority", "dpa", "data-protection-authority", "supervisory-authority"],
  behoerde: ["authority", "authorities"],
  "it-dienstleister": ["it", "it-provider", "provider"],
  polizei: ["police"],
  presse: ["press", "media"],
  versicherung: ["insurer", "insurance"],
  bank: ["bank"],
  partner: ["partners", "partner"],
  intern: ["internal"],
};

/**
 * A template by the name a person typed, in either language: id (`polizei`), English name (`police`), audience in
 * German or English (`mitarbeitende`, `staff`), then a beginning of those or a word of the title.
 */
export function findTemplate(templates: readonly Template[], typed: string): Template | undefined {
  const f = typed.trim().toLowerCase().replace(/\s+/g, "-");
  const names = (x: Template) => [x.id, x.name_en, x.audience, ...AUDIENCE_EN[x.audience]].filter((n): n is string => !!n);
  const words = f.replaceAll("-", " ");
  return (
    templates.find((x) => x.id === f || x.name_en === f) ??
    templates.find((x) => names(x).includes(f)) ??
    templates.find(
      (x) =>
        names(x).some((n) => n.startsWith(f)) ||
        loc(x.title, "de").toLowerCase().includes(words) ||
        loc(x.title, "en").toLowerCase().includes(words),
    )
  );
}

/** `antwort 6 ja` / `answer 6 yes`: the command that gives an answer, in the reader's language. */
export function answerCommand(locale: "de" | "en", nr: string, answer: string): string {
  if (locale === "de") return `antwort ${nr} ${answer}`;
  const en: Record<string, string> = { ja: "yes", nein: "no", unklar: "unclear" };
  return `answer ${nr} ${en[answer] ?? answer}`;
}

/** The values a template's placeholders are filled from: organisation file, incident, role holders, answers. */
export function templateContext(cx: Cx, L: Loaded) {
  const c = cx.config;
  const ctx = ctxOf(L);
  const answer: Record<string, string> = {};
  const answerLabels: Record<string, string> = {};
  const eff = answersOf(L);
  for (const q of L.pb.questions) {
    answerLabels[q.id] = loc(q.text, cx.locale);
    const a = eff.values[q.id];
    if (a === undefined) continue;
    // a default is not an answer anybody gave: "unklar (noch nicht geprüft)"
    const shown =
      q.kind === "time"
        ? showTime(a, cx.locale)
        : q.kind === "yesno" && cx.locale === "en"
          ? ({ ja: cx.t.answerYes, nein: cx.t.answerNo, unklar: cx.t.answerUnclear }[a] ?? a)
          : a;
    answer[q.id] = eff.origin[q.id] === "default" ? cx.t.templateDefaultAnswer(shown) : shown;
  }
  // no data-protection officer entered: the management is the contact for data protection (Art. 33(3)(b) GDPR)
  const privacy = privacyContact(c);
  const dpo = privacy.dpo || !privacy.name ? c?.dpo : { name: privacy.name, ...(privacy.phone ? { phone: privacy.phone } : {}) };
  return {
    org: {
      ...(c ?? {}),
      ...(dpo ? { dpo } : {}),
      kind: c?.kind === "praxis" ? "Praxis" : c?.kind === "kmu" ? "Firma" : undefined,
    },
    incident: {
      id: L.rec.id,
      title: L.rec.title,
      type: loc(L.pb.title, cx.locale),
      level: cx.t.levelName[ctx.level as Level],
      opened: showTime(L.rec.openedAt, cx.locale),
      aware: showTime(L.rec.awareAt, cx.locale),
      description: L.st.description || undefined,
      now: showTime(cx.now, cx.locale),
    },
    role: {
      koordinator: nameOf(L, ctx.roles.koordinator),
      technik: nameOf(L, ctx.roles.technik),
      kommunikation: nameOf(L, ctx.roles.kommunikation),
    },
    answer,
    answerLabels,
  };
}
