import { showTime } from "../core/time.ts";
import type { Block, Handbook } from "./model.ts";

/** The handbook as GitHub-flavoured Markdown (same content as the PDF; gaps stay as `[[…]]`). */
export function renderMarkdown(hb: Handbook): string {
  const out: string[] = [`<!-- ${hb.title} · ${hb.org} · Stand ${showTime(hb.generatedAt)} · erzeugt mit notfallbot handbuch -->`];
  hb.pages.forEach((page, i) => {
    if (i > 0) out.push("---");
    for (const block of page.blocks) out.push(renderBlock(block, hb));
  });
  return `${out.join("\n\n")}\n`;
}

function renderBlock(b: Block, hb: Handbook): string {
  switch (b.type) {
    case "title":
      return `# ${inline(b.text)}${b.subtitle ? `\n\n**${inline(b.subtitle)}** · Stand ${showTime(hb.generatedAt)}` : ""}`;
    case "heading":
      return `## ${inline(b.text)}`;
    case "subheading":
      return `### ${inline(b.text)}`;
    case "paragraph": {
      const text = inline(b.text);
      if (b.bold || b.size === "large") return `**${text}**`;
      return b.size === "small" ? `*${text}*` : text;
    }
    case "callout":
      return `> **${inline(b.text)}**`;
    case "facts":
      return b.rows.map((r) => `- **${inline(r.label)}:** ${inline(r.value)}`).join("\n");
    case "list":
      return b.items
        .map((item, i) => `${b.ordered ? `${i + 1}.` : "-"} ${item.strong ? `**${inline(item.text)}**` : inline(item.text)}`)
        .join("\n");
    case "table": {
      const head = `| ${b.columns.map((c) => cell(c.title)).join(" | ")} |`;
      const rule = `|${b.columns.map(() => " --- ").join("|")}|`;
      return [head, rule, ...b.rows.map((r) => `| ${b.columns.map((_, i) => cell(r[i] ?? "")).join(" | ")} |`)].join("\n");
    }
  }
}

/** Escapes what Markdown would otherwise read as markup, keeping `[[gaps]]` readable; drops soft hyphens. */
function inline(text: string): string {
  return text
    .replace(/\u00ad/g, "")
    .replace(/([\\*_`])/g, "\\$1")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

function cell(text: string): string {
  return inline(text).replace(/\|/g, "\\|").replace(/\n/g, "<br>");
}
