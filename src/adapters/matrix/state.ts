import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { ISyncData } from "matrix-js-sdk";
import type { PendingUnreadable } from "./undecryptable.ts";

/**
 * What the Matrix adapter remembers between restarts: the sync position (with the room state the SDK needs),
 * the last handled event ids (redeliveries), the rooms already told that the bot cannot read encrypted rooms, and
 * encrypted events it could not decrypt yet.
 * Kept in memory; written to `stateFile` when one is configured. Never contains credentials.
 */
export interface AdapterState {
  version: 1;
  /** The account the state belongs to; a different bot account starts fresh. */
  userId?: string;
  sync?: ISyncData;
  handled: string[];
  encryptionNoticeSent: string[];
  /** Encrypted events still waiting for their room key, and those the room was told about (see undecryptable.ts). */
  unreadable?: { pending: PendingUnreadable[]; told: string[] };
}

/** How many handled event ids are remembered (the core deduplicates too; this only saves work). */
export const HANDLED_LIMIT = 2_000;

export function emptyState(): AdapterState {
  return { version: 1, handled: [], encryptionNoticeSent: [] };
}

/** Read the state file; a missing or unreadable file gives an empty state (the bot then starts from "now"). */
export async function loadState(file: string | undefined): Promise<AdapterState> {
  if (!file) return emptyState();
  try {
    const raw = JSON.parse(await readFile(file, "utf8")) as Partial<AdapterState>;
    if (raw.version !== 1) return emptyState();
    return {
      version: 1,
      ...(typeof raw.userId === "string" ? { userId: raw.userId } : {}),
      ...(raw.sync && typeof raw.sync.nextBatch === "string" ? { sync: raw.sync } : {}),
      handled: Array.isArray(raw.handled) ? raw.handled.filter((x) => typeof x === "string").slice(-HANDLED_LIMIT) : [],
      encryptionNoticeSent: Array.isArray(raw.encryptionNoticeSent) ? raw.encryptionNoticeSent.filter((x) => typeof x === "string") : [],
      ...(raw.unreadable && Array.isArray(raw.unreadable.pending) && Array.isArray(raw.unreadable.told)
        ? {
            unreadable: {
              pending: raw.unreadable.pending.filter((p) => typeof p?.eventId === "string" && typeof p.roomId === "string"),
              told: raw.unreadable.told.filter((x) => typeof x === "string"),
            },
          }
        : {}),
    };
  } catch {
    return emptyState();
  }
}

/** Write the state atomically (temp file + rename), readable by the owner only. */
export async function saveState(file: string, state: AdapterState): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
  await rename(tmp, file);
}
