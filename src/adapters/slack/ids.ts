/** Canonical ids for Slack: channel `slack:<team_id>:<channel_id>`, tenant = team_id, actor id = Slack user id. */

/** Canonical channel id for a Slack channel in a workspace. */
export function slackChannelId(teamId: string, channelId: string): string {
  return `slack:${teamId}:${channelId}`;
}

/** The Slack parts of a canonical channel id, or undefined when it is not a Slack channel id. */
export function parseSlackChannelId(canonical: string): { teamId: string; channelId: string } | undefined {
  const m = /^slack:([^:]+):([^:]+)$/.exec(canonical);
  if (!m) return undefined;
  return { teamId: m[1]!, channelId: m[2]! };
}

/** The incident id a core message key belongs to (`NF-2026-0001/tasks/...` → `NF-2026-0001`), if it has one. */
export function incidentIdFromKey(key: string): string | undefined {
  const m = /^([A-Z][A-Z0-9]*-\d{4}-\d+)(?:\/|$)/.exec(key);
  return m?.[1];
}
