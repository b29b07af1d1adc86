import { dirname } from "node:path";
import type { Clock } from "../../core/clock.ts";
import type { AdapterStatePort } from "../../core/ports.ts";
import { TeamsAdapter } from "./adapter.ts";
import { teamsOptionsFromEnv } from "./options.ts";

export { TeamsAdapter } from "./adapter.ts";
export { channelIdOf, parseChannelId, splitConversationId } from "./ids.ts";
export { checkTeamsOptions, type TeamsAdapterOptions, TeamsConfigError, teamsAuthMode, teamsOptionsFromEnv } from "./options.ts";
export { parseActivity, type TeamsActivity } from "./parse.ts";
export { renderActivity, renderCard } from "./render.ts";

/**
 * The Teams adapter as `notfallbot serve` builds it: settings from `MICROSOFT_APP_ID`, `MICROSOFT_APP_PASSWORD`,
 * `MICROSOFT_APP_TENANT_ID`; conversation references in `state` (the database, shared by every process on it); a
 * `<dataDir>/teams-references.json` of older versions (default dataDir: the directory of `NOTFALL_DB`, else
 * `./data`) is imported into it once. Throws `TeamsConfigError` when it must not run (no app id with
 * NODE_ENV=production).
 */
export function teamsFromEnv(
  env: NodeJS.ProcessEnv,
  opts: { dataDir?: string; clock?: Clock; state?: AdapterStatePort } = {},
): TeamsAdapter {
  const dataDir = opts.dataDir ?? (env.NOTFALL_DB ? dirname(env.NOTFALL_DB) : "data");
  return new TeamsAdapter({
    ...teamsOptionsFromEnv(env, dataDir),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.state ? { state: opts.state } : {}),
  });
}
