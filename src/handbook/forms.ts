import type { OrgConfig } from "../core/org.ts";
import { loc, type Playbook, type Template } from "../machines/schema.ts";
import type { TemplateContext } from "../templates/context.ts";
import { renderPlaybookTemplate } from "../templates/render.ts";
import type { Block } from "./model.ts";
import { type PaperContext, paperText } from "./paper.ts";
import type { HandbookText } from "./text.ts";

/**
 * A playbook template printed as a form to fill by hand: what the organisation file knows is filled in, everything
 * about the incident (time, who, what) is a `[[gap]]`, which the PDF prints as a line to write on, labelled.
 */

/** The question up to its question mark, without the explanation in brackets. */
export function shortQuestion(text: string): string {
  const q = text.indexOf("?");
  return (q >= 0 ? text.slice(0, q + 1) : text).trim();
}

/** Template context for paper: the organisation only; incident, roles and answers stay gaps. */
export function paperContext(pb: Playbook, cfg: OrgConfig | undefined, t: HandbookText): TemplateContext {
  return {
    org: { ...(cfg ?? {}), kind: cfg?.kind === "praxis" ? t.kind.praxis : cfg?.kind === "kmu" ? t.kind.kmu : undefined },
    answerLabels: Object.fromEntries(pb.questions.map((q) => [q.id, shortQuestion(loc(q.text, t.locale))])),
    locale: t.locale,
  };
}

/** The form block of one template. `when` is the template's condition in words, if it has one. */
export function formBlock(
  tpl: Template,
  pb: Playbook,
  cfg: OrgConfig | undefined,
  cx: PaperContext,
  when: string | undefined,
  anchor: string,
): Block {
  const { t } = cx;
  const r = renderPlaybookTemplate(tpl, paperContext(pb, cfg, t), t.locale);
  const meta = [t.forms.for(t.forms.audience[tpl.audience] ?? tpl.audience)];
  if (tpl.external) meta.push(t.forms.external);
  if (when) meta.push(t.forms.onlyIf(when));
  return { type: "form", title: t.forms.heading(paperText(r.title, cx)), meta, body: paperText(r.text, cx).trim(), anchor };
}
