import { loc, type Question, type Template } from "../machines/schema.ts";
import type { TemplateContext } from "./context.ts";
import { ANSWER_PREFIX, isRegisteredPlaceholder, placeholderLabels, scanTemplate } from "./placeholders.ts";

/** A filled template: the text to copy and the labels of every gap still to fill by hand. */
export interface RenderedText {
  text: string;
  /** Labels of all gaps in order of first appearance, without repeats. */
  gaps: string[];
}

/**
 * Fills `{{placeholders}}` from the context in a single pass. Values are inserted verbatim and never expanded again.
 * Missing or blank values, unknown placeholders and literal `[[…]]` gaps written by the author all appear as
 * `[[label]]` in the text and are listed in `gaps`.
 */
export function renderTemplate(body: string, ctx: TemplateContext = {}): RenderedText {
  const gaps: string[] = [];
  const addGap = (label: string) => {
    if (!gaps.includes(label)) gaps.push(label);
    return `[[${label}]]`;
  };
  let text = "";
  let last = 0;
  for (const token of scanTemplate(body)) {
    text += body.slice(last, token.index);
    last = token.index + token.raw.length;
    if (token.kind === "gap") {
      text += addGap(token.name);
      continue;
    }
    const value = lookup(ctx, token.name);
    text += value ?? addGap(gapLabel(ctx, token.name));
  }
  text += body.slice(last);
  return { text, gaps };
}

/** The label shown for a placeholder without a value. */
export function gapLabel(ctx: TemplateContext, name: string): string {
  const en = ctx.locale === "en";
  if (isRegisteredPlaceholder(name)) return placeholderLabels(ctx.locale)[name];
  if (name.startsWith(ANSWER_PREFIX)) {
    const id = name.slice(ANSWER_PREFIX.length);
    const label = ctx.answerLabels && Object.hasOwn(ctx.answerLabels, id) ? ctx.answerLabels[id] : undefined;
    return label ?? (en ? `Answer to question "${id}"` : `Antwort auf Frage "${id}"`);
  }
  return en ? `unknown placeholder ${name}` : `unbekannter Platzhalter ${name}`;
}

function lookup(ctx: TemplateContext, name: string): string | undefined {
  let value: unknown;
  if (isRegisteredPlaceholder(name)) {
    value = name.split(".").reduce<unknown>((cur, key) => (isRecord(cur) && Object.hasOwn(cur, key) ? cur[key] : undefined), ctx);
  } else if (name.startsWith(ANSWER_PREFIX)) {
    const id = name.slice(ANSWER_PREFIX.length);
    value = ctx.answer && Object.hasOwn(ctx.answer, id) ? ctx.answer[id] : undefined;
  }
  if (typeof value === "number") value = String(value);
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null;
}

/** A playbook template rendered in one language. */
export interface RenderedTemplate extends RenderedText {
  id: string;
  title: string;
  audience: Template["audience"];
  /** Goes outside the organisation; in a drill it must be marked as not to be sent. */
  external: boolean;
}

/** Renders title and body of a playbook template; the gaps of both are combined. */
export function renderPlaybookTemplate(template: Template, ctx: TemplateContext = {}, locale: "de" | "en" = "de"): RenderedTemplate {
  const title = renderTemplate(loc(template.title, locale), ctx);
  const body = renderTemplate(loc(template.body, locale), ctx);
  const gaps = [...title.gaps, ...body.gaps.filter((g) => !title.gaps.includes(g))];
  return { id: template.id, title: title.text, text: body.text, gaps, audience: template.audience, external: template.external };
}

/** Gap labels for `{{answer.<id>}}`: the question text, so an unanswered question reads as what to find out. */
export function answerLabelsFor(questions: readonly Question[], locale: "de" | "en" = "de"): Record<string, string> {
  return Object.fromEntries(questions.map((q) => [q.id, loc(q.text, locale)]));
}
