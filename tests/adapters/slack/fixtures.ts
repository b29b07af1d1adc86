import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../../fixtures/slack/", import.meta.url));

/** A captured-shape Slack payload from tests/fixtures/slack. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(`${dir}${name}.json`, "utf8")) as T;
}
