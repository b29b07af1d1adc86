import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

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

interface FileShape {
  version: 1;
  channels: Record<string, ConversationRef>;
  people: Record<string, string>;
  /** Conversations the bot has already welcomed (Teams sends the install event again on every reinstall). */
  welcomed?: string[];
}

const MAX_PEOPLE = 10_000;

/**
 * Conversation references per canonical channel id, in memory and (optionally) in a small JSON file
 * so that reminders still reach Teams after a restart. Adapters never touch the database; this file
 * holds only routing data (service URL, tenant, bot id, conversation id) and display names.
 */
export class ReferenceStore {
  private readonly channels = new Map<string, ConversationRef>();
  private readonly people = new Map<string, string>();
  private readonly welcomes = new Set<string>();
  private readonly file: string | undefined;

  constructor(file?: string) {
    this.file = file;
    this.load();
  }

  get(channel: string): ConversationRef | undefined {
    return this.channels.get(channel);
  }

  name(actorId: string): string | undefined {
    return this.people.get(actorId);
  }

  /** Whether the bot has already welcomed this conversation. */
  welcomed(channel: string): boolean {
    return this.welcomes.has(channel);
  }

  /** Record the welcome of a conversation (kept in the file, so a reinstall after a restart stays quiet too). */
  markWelcomed(channel: string): void {
    if (this.welcomes.has(channel)) return;
    this.welcomes.add(channel);
    this.save();
  }

  /** Remember a reference (and a person's display name); writes the file only when something changed. */
  remember(channel: string, ref: ConversationRef, person?: { id: string; name?: string }): void {
    let changed = false;
    const old = this.channels.get(channel);
    if (!old || !sameRef(old, ref)) {
      this.channels.set(channel, { ...old, ...ref, conversationType: ref.conversationType ?? old?.conversationType });
      changed = true;
    }
    if (person?.name && this.people.get(person.id) !== person.name) {
      if (this.people.size >= MAX_PEOPLE) this.people.delete(this.people.keys().next().value as string);
      this.people.set(person.id, person.name);
      changed = true;
    }
    if (changed) this.save();
  }

  private load(): void {
    if (!this.file) return;
    let raw: string;
    try {
      raw = readFileSync(this.file, "utf8");
    } catch {
      return; // first start
    }
    try {
      const data = JSON.parse(raw) as Partial<FileShape>;
      for (const [k, v] of Object.entries(data.channels ?? {})) if (isRef(v)) this.channels.set(k, v);
      for (const [k, v] of Object.entries(data.people ?? {})) if (typeof v === "string") this.people.set(k, v);
      for (const c of Array.isArray(data.welcomed) ? data.welcomed : []) if (typeof c === "string") this.welcomes.add(c);
    } catch {
      // A damaged file must not stop the bot; references are re-learned from the next incoming activity.
    }
  }

  private save(): void {
    if (!this.file) return;
    const data: FileShape = {
      version: 1,
      channels: Object.fromEntries(this.channels),
      people: Object.fromEntries(this.people),
      welcomed: [...this.welcomes],
    };
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

function sameRef(a: ConversationRef, b: ConversationRef): boolean {
  return (
    a.serviceUrl === b.serviceUrl &&
    a.tenantId === b.tenantId &&
    a.botId === b.botId &&
    a.botName === b.botName &&
    a.conversationId === b.conversationId &&
    (b.conversationType === undefined || a.conversationType === b.conversationType)
  );
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
