/** Walk an Adaptive Card: visible text (as a person sees it) and the commands its buttons carry. */

type Node = Record<string, unknown>;

export function cardOf(activity: Record<string, unknown>): Node | undefined {
  const atts = activity.attachments as { contentType?: string; content?: Node }[] | undefined;
  return atts?.find((a) => a.contentType === "application/vnd.microsoft.card.adaptive")?.content;
}

/** Every element of the card body (depth first), fallbacks excluded. */
export function elements(card: object): Node[] {
  const out: Node[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (typeof n !== "object" || n === null) return;
    const o = n as Node;
    if (typeof o.type === "string") out.push(o);
    for (const k of ["body", "items", "columns", "inlines", "actions"]) if (k in o) walk(o[k]);
  };
  walk((card as Node).body);
  return out;
}

/** Visible text: one line per block element; TextRuns of one RichTextBlock are joined. */
export function cardText(card: object): string {
  const lines: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (typeof n !== "object" || n === null) return;
    const o = n as Node;
    switch (o.type) {
      case "RichTextBlock":
        lines.push((o.inlines as { text?: string }[]).map((r) => r.text ?? "").join(""));
        return;
      case "TextBlock":
        lines.push(String(o.text ?? ""));
        return;
      case "CodeBlock":
        lines.push(String(o.codeSnippet ?? ""));
        return;
      case "ActionSet":
        return;
    }
    for (const k of ["body", "items", "columns"]) if (k in o) walk(o[k]);
  };
  walk((card as Node).body);
  return lines.join("\n");
}

/** Commands of the card's buttons (`data.c`). */
export function cardButtons(card: object): string[] {
  return elements(card)
    .filter((e) => e.type === "Action.Execute" || e.type === "Action.Submit")
    .map((e) => (e.data as { c?: string } | undefined)?.c)
    .filter((c): c is string => typeof c === "string");
}
