import { readFileSync, renameSync } from "node:fs";
import type { AdapterStatePort } from "../../core/ports.ts";

/** What the bot needs to post into a conversation without an incoming activity (proactive messages). */
export interface ConversationRef {
  /** Bot Connector base URL of the tenant's region, from `activity.serviceUrl`. */
  serviceUrl: string;
  tenantId: string;
  /** The bot's account id in this conversation (`28:<app id>`). */
  botId: string;
  botName?: string;
  /** Conversation id without `;messageid=`. */
  conversationId: string;
  /** `channel`, `groupChat` or `personal`. */
  conversationType?: string;
}

/** The JSON file older versions kept in the data directory (`teams-references.json`), imported once. */
interface FileShape {
  version: 1;
  channels: Record<string, ConversationRef>;
  people: Record<string, string>;
  welcomed?: string[];
}

const PLATFORM = "teams";
const REF = "ref";
const PERSON = "person";
const WELCOMED = "welcomed";
/** Values this process last wrote or read, so that an unchanged reference is not written on every activity. */
const MAX_KNOWN = 10_000;

/** The state port in memory: local tests without a database (the unauthenticated mode, unit tests). */
export class MemoryAdapterState implements AdapterStatePort {
  private readonly rows = new Map<string, string>();
  async getAdapterState(platform: string, kind: string, key: string): Promise<string | undefined> {
    return this.rows.get(`${platform}\u0000${kind}\u0000${key}`);
  }
  async putAdapterState(platform: string, kind: string, key: string, value: string): Promise<void> {
    this.rows.set(`${platform}\u0000${kind}\u0000${key}`, value);
  }
}

/**
 * Conversation references per canonical channel id (`teams:<tenant>:<conversation>`), display names per Teams user
 * id and the conversations already welcomed, kept through the {@link AdapterStatePort} the wiring hands in: the
 * database, so that any process on it can post into a conversation another process heard of, also after a
 * restart. Adapters never touch the database themselves; this holds only routing data (service URL, tenant, bot
 * id, conversation id) and display names.
 */
export class ReferenceStore {
  private readonly state: AdapterStatePort;
  private readonly known = new Map<string, string>();

  constructor(state?: AdapterStatePort) {
    this.state = state ?? new MemoryAdapterState();
  }

  /** The stored reference of a channel, read from the store each time (another process may have renewed it). */
  async get(channel: string): Promise<ConversationRef | undefined> {
    const raw = await this.state.getAdapterState(PLATFORM, REF, channel);
    if (raw === undefined) return undefined;
    const ref = parse(raw);
    return isRef(ref) ? ref : undefined;
  }

  async name(actorId: string): Promise<string | undefined> {
    const raw = await this.state.getAdapterState(PLATFORM, PERSON, actorId);
    const v = raw === undefined ? undefined : parse(raw);
    return typeof v === "string" ? v : undefined;
  }

  /** Whether the bot has already welcomed this conversation (in any process). */
  async welcomed(channel: string): Promise<boolean> {
    return (await this.state.getAdapterState(PLATFORM, WELCOMED, channel)) !== undefined;
  }

  /** Record the welcome of a conversation (a reinstall, also after a restart or in another process, stays quiet). */
  async markWelcomed(channel: string): Promise<void> {
    await this.write(WELCOMED, channel, "true");
  }

  /** Remember a reference (and a person's display name); writes only what changed since this process last looked. */
  async remember(channel: string, ref: ConversationRef, person?: { id: string; name?: string }): Promise<void> {
    const key = `${REF}\u0000${channel}`;
    let oldRaw = this.known.get(key);
    if (oldRaw === undefined) oldRaw = await this.state.getAdapterState(PLATFORM, REF, channel);
    const old = oldRaw === undefined ? undefined : parse(oldRaw);
    const prev = isRef(old) ? old : undefined;
    const type = ref.conversationType ?? prev?.conversationType;
    const merged: ConversationRef = { ...prev, ...ref, ...(type ? { conversationType: type } : {}) };
    await this.write(REF, channel, JSON.stringify(merged), oldRaw);
    if (person?.name) await this.write(PERSON, person.id, JSON.stringify(person.name));
  }

  /**
   * Imports the JSON file of older versions once: every entry the store does not have yet, then renames the file to
   * `<file>.imported`. Returns how many entries were imported; 0 when there is no file. A damaged file is left in
   * place and imports nothing (references are learnt again from the next activity in each conversation).
   */
  async importFile(file: string): Promise<number> {
    let data: Partial<FileShape>;
    try {
      data = JSON.parse(readFileSync(file, "utf8")) as Partial<FileShape>;
    } catch {
      return 0;
    }
    let n = 0;
    for (const [k, v] of Object.entries(data.channels ?? {})) {
      if (!isRef(v) || (await this.state.getAdapterState(PLATFORM, REF, k)) !== undefined) continue;
      await this.state.putAdapterState(PLATFORM, REF, k, JSON.stringify(v));
      n++;
    }
    for (const [k, v] of Object.entries(data.people ?? {})) {
      if (typeof v !== "string" || (await this.state.getAdapterState(PLATFORM, PERSON, k)) !== undefined) continue;
      await this.state.putAdapterState(PLATFORM, PERSON, k, JSON.stringify(v));
      n++;
    }
    for (const c of Array.isArray(data.welcomed) ? data.welcomed : []) {
      if (typeof c !== "string" || (await this.state.getAdapterState(PLATFORM, WELCOMED, c)) !== undefined) continue;
      await this.state.putAdapterState(PLATFORM, WELCOMED, c, "true");
      n++;
    }
    try {
      renameSync(file, `${file}.imported`);
    } catch {
      // another process starting at the same time renamed it first
    }
    return n;
  }

  private async write(kind: string, key: string, value: string, current?: string): Promise<void> {
    const k = `${kind}\u0000${key}`;
    if ((current ?? this.known.get(k)) === value) {
      this.remember1(k, value);
      return;
    }
    await this.state.putAdapterState(PLATFORM, kind, key, value);
    this.remember1(k, value);
  }

  private remember1(k: string, value: string): void {
    this.known.delete(k);
    this.known.set(k, value);
    if (this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value as string);
  }
}

function parse(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function isRef(v: unknown): v is ConversationRef {
  const r = v as ConversationRef | null;
  return (
    typeof r === "object" &&
    r !== null &&
    typeof r.serviceUrl === "string" &&
    typeof r.tenantId === "string" &&
    typeof r.botId === "string" &&
    typeof r.conversationId === "string"
  );
}
