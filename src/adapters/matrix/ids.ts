/** Canonical ids for Matrix: channel `matrix:<room id>`, tenant = the bot's server name, actor id = Matrix user id. */

/** Regular-expression source of a Matrix user id (`@anna:example.de`, `@x:host:8448`); no trailing dot. */
export const USER_ID_SOURCE = String.raw`@[A-Za-z0-9._=\-/+]+:[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*(?::\d+)?`;

const CHANNEL_PREFIX = "matrix:";

/** Canonical channel id of a room. */
export function matrixChannel(roomId: string): string {
  return `${CHANNEL_PREFIX}${roomId}`;
}

/** The room id of a canonical Matrix channel id, or undefined when it is not one. */
export function roomOfChannel(channel: string): string | undefined {
  return channel.startsWith(`${CHANNEL_PREFIX}!`) ? channel.slice(CHANNEL_PREFIX.length) : undefined;
}

/** `@anna:example.de` → `anna`. */
export function localpart(userId: string): string {
  const i = userId.indexOf(":");
  return userId.slice(1, i < 0 ? undefined : i);
}

/** The server name of a user or room id (`@anna:example.de:8448` → `example.de:8448`). */
export function serverOf(id: string): string {
  const i = id.indexOf(":");
  return i < 0 ? "" : id.slice(i + 1).toLowerCase();
}
