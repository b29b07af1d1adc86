import { randomInt } from "node:crypto";
import { createClient, Filter } from "matrix-js-sdk";
import type { Logger } from "matrix-js-sdk/lib/logger.js";
import { AdapterError } from "../../core/adapter.ts";
import type { MatrixConfig } from "./config.ts";
import { toAdapterError } from "./errors.ts";

/** The bot's login: who it is and the token it syncs and sends with. */
export interface Session {
  userId: string;
  accessToken: string;
  deviceId?: string;
}

/**
 * Log in: with an access token (asks the homeserver who that is) or with user id + password (stable device id, so
 * transaction ids keep deduplicating across restarts). Refused credentials → `unauthorized`; an unreachable
 * homeserver → `transient`. Messages never contain the token or password.
 */
export async function login(config: MatrixConfig, logger: Logger): Promise<Session> {
  const { homeserverUrl, accessToken, userId, password, deviceId } = config;
  try {
    if (accessToken) {
      const who = await createClient({ baseUrl: homeserverUrl, accessToken, useAuthorizationHeader: true, logger }).whoami();
      return { userId: who.user_id, accessToken, ...(who.device_id ? { deviceId: who.device_id } : {}) };
    }
    const res = await createClient({ baseUrl: homeserverUrl, logger }).loginRequest({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: userId! },
      password: password!,
      device_id: deviceId,
      initial_device_display_name: "Notfallbot",
    });
    return { userId: res.user_id, accessToken: res.access_token, deviceId: res.device_id };
  } catch (err) {
    const e = toAdapterError(err, "login");
    const platformCode = e.platformCode ? { platformCode: e.platformCode } : {};
    if (e.code === "unauthorized" || e.platformCode === "M_FORBIDDEN") {
      throw new AdapterError(
        "unauthorized",
        `Matrix: Anmeldung abgelehnt (${e.platformCode}). Zugangsdaten prüfen (docs/matrix.md). / login refused`,
        {
          ...platformCode,
          cause: err,
        },
      );
    }
    throw new AdapterError(
      e.code,
      `Matrix: Server ${homeserverUrl} nicht erreichbar (${e.platformCode ?? e.code}). / homeserver unreachable`,
      {
        ...platformCode,
        cause: err,
      },
    );
  }
}

/**
 * The /sync filter: no presence, no typing/receipts, up to 100 timeline events per room (catching up after a pause).
 * Synapse answers identical /sync requests of the same device from a response cache for a while (2 minutes by
 * default): a bot restarted without saved state would get the old initial sync and then replay everything since as
 * "live". A per-start nonce in a field that changes nothing (the limit of the presence filter, which excludes all
 * presence anyway) makes every start's initial sync unique.
 */
export function syncFilter(userId: string): Filter {
  const filter = new Filter(userId);
  filter.setDefinition({
    presence: { not_types: ["*"], limit: 1 + randomInt(1_000_000) },
    room: { timeline: { limit: 100 }, ephemeral: { not_types: ["*"] } },
  });
  return filter;
}
