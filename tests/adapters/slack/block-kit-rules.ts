/**
 * The Block Kit validity rules Slack enforces on chat.postMessage / chat.update (the ones our renderer can break),
 * from https://docs.slack.dev/reference/block-kit/blocks and …/block-elements/button-element.
 * Used by the fake Slack API (answers `invalid_blocks` like Slack) and by the render tests.
 */
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function textObject(v: unknown, where: string, max: number, problems: string[], plainOnly = false): void {
  if (!isObj(v)) {
    problems.push(`${where}: text object missing`);
    return;
  }
  if (v.type !== "plain_text" && v.type !== "mrkdwn") problems.push(`${where}: bad text type ${String(v.type)}`);
  if (plainOnly && v.type !== "plain_text") problems.push(`${where}: must be plain_text`);
  if (typeof v.text !== "string" || v.text.length < 1) problems.push(`${where}: empty text`);
  else if (v.text.length > max) problems.push(`${where}: text ${v.text.length} > ${max}`);
}

function button(el: Obj, where: string, actionIds: Set<string>, problems: string[]): void {
  textObject(el.text, `${where}.text`, 75, problems, true);
  if (typeof el.action_id !== "string" || el.action_id.length === 0 || el.action_id.length > 255) problems.push(`${where}: bad action_id`);
  else if (actionIds.has(el.action_id)) problems.push(`${where}: duplicate action_id ${el.action_id}`);
  else actionIds.add(el.action_id);
  if (el.value !== undefined && (typeof el.value !== "string" || el.value.length > 2000)) problems.push(`${where}: value > 2000`);
  if (el.style !== undefined && el.style !== "primary" && el.style !== "danger") problems.push(`${where}: bad style`);
}

/** Problems Slack would reject the message for; empty when valid. */
export function blockKitProblems(blocks: unknown[]): string[] {
  const problems: string[] = [];
  if (blocks.length > 50) problems.push(`too many blocks: ${blocks.length} > 50`);
  const actionIds = new Set<string>();
  const blockIds = new Set<string>();
  blocks.forEach((b, i) => {
    const where = `blocks[${i}]`;
    if (!isObj(b)) {
      problems.push(`${where}: not an object`);
      return;
    }
    if (b.block_id !== undefined) {
      if (typeof b.block_id !== "string" || b.block_id.length > 255 || blockIds.has(b.block_id)) problems.push(`${where}: bad block_id`);
      else blockIds.add(b.block_id);
    }
    switch (b.type) {
      case "section": {
        if (b.text === undefined && b.fields === undefined) problems.push(`${where}: section needs text or fields`);
        if (b.text !== undefined) textObject(b.text, `${where}.text`, 3000, problems);
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields) || b.fields.length === 0 || b.fields.length > 10) problems.push(`${where}: 1..10 fields`);
          else
            b.fields.forEach((f, j) => {
              textObject(f, `${where}.fields[${j}]`, 2000, problems);
            });
        }
        if (b.accessory !== undefined) {
          if (!isObj(b.accessory) || b.accessory.type !== "button") problems.push(`${where}: unsupported accessory`);
          else button(b.accessory, `${where}.accessory`, actionIds, problems);
        }
        break;
      }
      case "header":
        textObject(b.text, `${where}.text`, 150, problems, true);
        break;
      case "actions":
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 25) problems.push(`${where}: 1..25 elements`);
        else
          b.elements.forEach((el, j) => {
            if (!isObj(el) || el.type !== "button") problems.push(`${where}.elements[${j}]: not a button`);
            else button(el, `${where}.elements[${j}]`, actionIds, problems);
          });
        break;
      case "context":
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) problems.push(`${where}: 1..10 elements`);
        else
          b.elements.forEach((el, j) => {
            textObject(el, `${where}.elements[${j}]`, 3000, problems);
          });
        break;
      case "divider":
        break;
      case "rich_text":
        if (!Array.isArray(b.elements) || b.elements.length === 0) problems.push(`${where}: rich_text needs elements`);
        else
          for (const el of b.elements) {
            if (
              !isObj(el) ||
              !["rich_text_section", "rich_text_preformatted", "rich_text_quote", "rich_text_list"].includes(String(el.type))
            ) {
              problems.push(`${where}: bad rich_text element`);
            } else if (!Array.isArray(el.elements) || el.elements.length === 0) problems.push(`${where}: empty rich_text element`);
          }
        break;
      default:
        problems.push(`${where}: unknown block type ${String(b.type)}`);
    }
  });
  return problems;
}
