import { type Block, type Handbook, resolveRefs } from "./model.ts";
import { datesLine, HANDBOOK_TEXT, type HandbookText } from "./text.ts";

/** Empty rows a fill-in table gets in Markdown (the PDF fills whole pages). */
const BLANK_ROWS = 5;

/**
 * The handbook as GitHub-flavoured Markdown (same content as the PDF; gaps stay as `[[…]]`). With `pages` (from the
 * PDF layout) page references read "S. 7" as in the PDF; without, they are left out.
 */
export function renderMarkdown(hb: Handbook, pages?: ReadonlyMap<string, number>): string {
  const t = HANDBOOK_TEXT[hb.locale];
  const c = t.chrome;
  const page = (anchor: string) => {
    const n = pages?.get(anchor);
    return n === undefined ? undefined : c.pageRef(String(n));
  };
  const r = (text: string) => resolveRefs(text, page);
  const dates = datesLine(t, hb.generatedAt, { present: hb.hasConfig, date: hb.configDate });
  const out: string[] = [`<!-- ${hb.title} · ${hb.org} · ${dates} · ${c.mdGenerated} -->`];
  if (hb.examples) out.push(`> **${inline(c.examples)}**`);
  hb.pages.forEach((p, i) => {
    if (i > 0) out.push("---");
    for (const block of p.blocks) {
      const md = renderBlock(block, t, r, page);
      if (md) out.push(md);
    }
  });
  return `${out.join("\n\n")}\n`;
}

function renderBlock(b: Block, t: HandbookText, r: (s: string) => string, page: (a: string) => string | undefined): string {
  switch (b.type) {
    case "title":
      return `# ${inline(r(b.text))}${b.subtitle ? `\n\n**${inline(r(b.subtitle))}**` : ""}`;
    case "heading":
      return `## ${inline(r(b.text))}`;
    case "subheading":
      return `### ${inline(r(b.text))}`;
    case "paragraph": {
      const text = inline(r(b.text));
      if (b.bold || b.size === "large") return `**${text}**`;
      return b.size === "small" ? `*${text}*` : text;
    }
    case "callout": {
      const [head = "", ...rest] = r(b.text).split("\n");
      const code = b.code ? [">", `> \`${b.code.replace(/`/g, "")}\``] : [];
      return [`> **${inline(head)}**`, ...rest.flatMap((l) => [">", `> ${inline(l)}`]), ...code].join("\n");
    }
    case "facts":
      return b.rows.map((row) => `- **${inline(r(row.label))}:** ${inline(r(row.value))}`).join("\n");
    case "list":
      return b.items
        .map((item, i) => `${b.ordered ? `${i + 1}.` : "-"} ${item.strong ? `**${inline(r(item.text))}**` : inline(r(item.text))}`)
        .join("\n");
    case "checklist":
      return b.items
        .map((item) => {
          const text = item.strong ? `**${inline(r(item.text))}**` : inline(r(item.text));
          const phones = (item.phones ?? []).map((p) => `\n  - ${inline(`${t.chrome.call} ${p.label}: ${p.number}`)}`).join("");
          return `- [ ] ${text}${phones}`;
        })
        .join("\n");
    case "table": {
      const head = `| ${b.columns.map((c) => cell(r(c.title))).join(" | ")} |`;
      const rule = `|${b.columns.map(() => " --- ").join("|")}|`;
      const rows = b.rows.map((row) => `| ${b.columns.map((_, i) => cell(r(row[i] ?? ""))).join(" | ")} |`);
      const blank = b.blank ? Array.from({ length: BLANK_ROWS }, () => `|${b.columns.map(() => "   ").join("|")}|`) : [];
      return [head, rule, ...rows, ...blank].join("\n");
    }
    case "form": {
      const parts: string[] = [];
      if (b.title) parts.push(`#### ${inline(r(b.title))}`);
      if (b.meta.length) parts.push(`*${inline(r(b.meta.join(" · ")))}*`);
      // fenced: copied as it is, gaps [[…]] included
      const fence = b.body.includes("```") ? "~~~~" : "```";
      parts.push(`${fence}text\n${r(b.body)}\n${fence}`);
      return parts.join("\n\n");
    }
    case "group":
      return b.blocks
        .map((x) => renderBlock(x, t, r, page))
        .filter(Boolean)
        .join("\n\n");
    case "quote":
      return b.text
        .split(/\r?\n/)
        .map((l) => `> ${inline(l)}`)
        .join("\n");
    case "svg":
      return "";
    case "toc":
      return b.lines
        .map((line) => {
          if (line.kind === "group") return `\n*${inline(line.text)}*\n`;
          const p = page(line.anchor);
          return `- ${inline(line.text)}${p ? ` … ${p}` : ""}`;
        })
        .join("\n")
        .trim();
  }
}

/**
 * Escapes what Markdown would otherwise read as markup, keeping `[[gaps]]` readable; drops soft hyphens. Angle
 * brackets get a backslash, never an HTML entity: the file is read as text as often as it is rendered.
 */
function inline(text: string): string {
  return text.replace(/\u00ad/g, "").replace(/([\\*_`<>])/g, "\\$1");
}

function cell(text: string): string {
  return inline(text).replace(/\|/g, "\\|").replace(/\n/g, " ");
}
