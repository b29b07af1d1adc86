import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { TeamsActivity } from "../../../src/adapters/teams/parse.ts";

const dir = fileURLToPath(new URL("../../fixtures/teams/", import.meta.url));

/** A captured Teams activity from tests/fixtures/teams, as a fresh object (optionally with a different serviceUrl). */
export function fixture(name: string, serviceUrl?: string): TeamsActivity & Record<string, unknown> {
  const a = JSON.parse(readFileSync(`${dir}${name}.json`, "utf8")) as TeamsActivity & Record<string, unknown>;
  if (serviceUrl) a.serviceUrl = serviceUrl;
  return a;
}

export const TENANT = "6f1e2d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f";
export const CHANNEL_CONV = "19:7d2b9c0e4a5f4e0b9c1d2e3f4a5b6c7d@thread.tacv2";
export const CHANNEL = `teams:${TENANT}:${CHANNEL_CONV}`;
export const ROOT = "1772438472345";
export const BOT_ID = "28:8c3e1a52-5f1d-4b7e-9f0a-2d6c4b1e7a90";
export const ANNA_ID = "29:1vL5aXc0Z1l3Q3xA8nNnA2m7oKc6hYqZpTj8WbQ0rXyFz9uE4sD2gH1kJ5mN7pR3t";
export const BEN_ID = "29:1QbX7nY2cV4mB6zL8kJ0hG2fD4sA6pO8iU0yT2rE4wQ6eR8tY0uI2oP4aS6dF8gH";
export const GROUP_CHAT = "19:3f9a8c2e1b7d4e6f9a0b1c2d3e4f5a6b@thread.v2";
export const PERSONAL_CHAT = "a:1hJ3kL5mN7pQ9rS1tU3vW5xY7zA9bC1dE3fG5hI7jK9lM1nO3pQ5rS7tU9vW1xY3zA5bC7dE9f";
