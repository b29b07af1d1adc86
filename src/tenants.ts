/**
 * Several organisations in one deployment (`NOTFALL_TENANTS=DIR`): a folder with one organisation file per tenant,
 * each naming the chats it covers (`covers:` Slack team ids, Teams tenant ids, Matrix rooms or `:servers`). The
 * file name is the tenant's id (`praxis-muster.yaml` → `praxis-muster`). The folder is read again every few
 * seconds: a new, changed or removed file takes effect without a restart. Without `NOTFALL_TENANTS` the deployment
 * has the one tenant `default`, exactly as before.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Tenancy, TenantSetup } from "./app.ts";
import { formatConfigIssue, readOrgConfig } from "./config/load.ts";
import { de } from "./core/i18n/de.ts";
import { en } from "./core/i18n/en.ts";
import type { Inbound } from "./core/inbound.ts";
import type { OrgConfig } from "./core/org.ts";
import type { StoragePort } from "./core/ports.ts";

/** A tenant id: the file name without `.yaml`, lower-case letters, digits, `-` and `_` (it names folders, too). */
const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

type Log = (level: "info" | "warn" | "error", msg: string, detail?: unknown) => void;

/** What a deployment builds for each tenant besides its organisation file. */
export interface TenantFactory {
  storeOf(tenant: string): StoragePort;
  /** Exports and handbook of the tenant (e.g. under `<data>/tenants/<id>/`). */
  sinks(tenant: string, config: OrgConfig | undefined, configFile: string): Pick<TenantSetup, "exports" | "handbook">;
}

interface Entry {
  setup: TenantSetup;
  file: string;
  /** mtime and size: a changed file is read again. */
  stamp: string;
}

/** The tenants of a folder of organisation files, with the chats each covers. */
export class TenantDirectory implements Tenancy {
  readonly dir: string;
  private readonly factory: TenantFactory;
  private readonly log: Log;
  /** The language of the log lines (the process's `--lang`). */
  private readonly locale: "de" | "en";
  private entries = new Map<string, Entry>();
  /** `slack:T123`, `teams:<tenant id>`, `matrix:!room:server`, `matrix::server` → tenant id. */
  private covers = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(dir: string, factory: TenantFactory, log: Log = () => {}, locale: "de" | "en" = "de") {
    this.dir = dir;
    this.factory = factory;
    this.log = log;
    this.locale = locale;
    this.reload();
  }

  /** Reads the folder again (new, changed and removed files); returns whether anything changed. */
  reload(): boolean {
    const t = (this.locale === "en" ? en : de).tenants;
    let names: string[];
    try {
      names = readdirSync(this.dir)
        .filter((n) => /\.ya?ml$/i.test(n))
        .sort();
    } catch (err) {
      this.log("error", t.folderUnreadable(this.dir, String((err as NodeJS.ErrnoException).code ?? err)));
      return false;
    }
    const next = new Map<string, Entry>();
    let changed = false;
    for (const name of names) {
      const id = name.replace(/\.ya?ml$/i, "");
      const file = join(this.dir, name);
      if (!TENANT_ID.test(id)) {
        this.log("warn", t.badName(name));
        continue;
      }
      if (next.has(id)) {
        this.log("warn", t.duplicate(name, id));
        continue;
      }
      let stamp: string;
      try {
        const st = statSync(file);
        stamp = `${st.mtimeMs}:${st.size}`;
      } catch {
        continue; // removed while reading the folder
      }
      const have = this.entries.get(id);
      if (have && have.stamp === stamp) {
        next.set(id, have);
        continue;
      }
      changed = true;
      const reading = readOrgConfig(file);
      for (const issue of reading.issues) this.log("warn", t.issue(id, formatConfigIssue(issue, this.locale)));
      const config = reading.config;
      next.set(id, {
        file,
        stamp,
        setup: { id, storage: this.factory.storeOf(id), config, ...this.factory.sinks(id, config, file) },
      });
      this.log("info", t.loaded(id, name, Boolean(have)));
    }
    for (const id of this.entries.keys()) {
      if (!next.has(id)) {
        changed = true;
        this.log("info", t.removed(id));
      }
    }
    if (!changed) return false;
    this.entries = next;
    this.covers = this.coverMap();
    return true;
  }

  /** Who covers what; a chat named by two files stays with the first (alphabetical) and is logged. */
  private coverMap(): Map<string, string> {
    const t = (this.locale === "en" ? en : de).tenants;
    const map = new Map<string, string>();
    for (const [id, e] of this.entries) {
      const c = e.setup.config?.covers;
      const keys = [
        ...(c?.slack ?? []).map((t) => `slack:${t}`),
        ...(c?.teams ?? []).map((t) => `teams:${t.toLowerCase()}`),
        ...(c?.matrix ?? []).map((m) => `matrix:${m}`),
      ];
      for (const k of keys) {
        const other = map.get(k);
        if (other && other !== id) this.log("warn", t.coveredTwice(k, other, id));
        else map.set(k, id);
      }
    }
    return map;
  }

  /** Reads the folder again every `everyMs` (default 5 s) until {@link stop}. */
  watch(everyMs = 5000): void {
    this.stop();
    this.timer = setInterval(() => {
      try {
        this.reload();
      } catch (err) {
        this.log("error", (this.locale === "en" ? en : de).tenants.reloadFailed, err);
      }
    }, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  resolve(ev: Inbound): string | undefined {
    return tenantOfEvent(ev, (k) => this.covers.get(k));
  }

  get(id: string): TenantSetup | undefined {
    return this.entries.get(id)?.setup;
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  /** The organisation file of a tenant (for the handbook and `check-config`). */
  fileOf(id: string): string | undefined {
    return this.entries.get(id)?.file;
  }
}

/** After the last `:` of a Matrix id (`@anna:praxis.de`, `!room:praxis.de`): its server. */
function serverPart(id: string): string | undefined {
  const i = id.indexOf(":");
  return i > 0 ? id.slice(i + 1) : undefined;
}

/**
 * The tenant of an inbound event: Slack by team id, Teams by tenant id, Matrix by room id, then the server of the
 * person writing, then the room's server. The console (one person at one terminal) is not mapped: it runs for one
 * tenant chosen at start.
 */
export function tenantOfEvent(ev: Inbound, lookup: (key: string) => string | undefined): string | undefined {
  switch (ev.platform) {
    case "slack":
      return lookup(`slack:${ev.tenant}`);
    case "teams":
      return lookup(`teams:${ev.tenant.toLowerCase()}`);
    case "matrix": {
      const room = ev.channel.replace(/^matrix:/, "");
      const byRoom = lookup(`matrix:${room}`);
      if (byRoom) return byRoom;
      const actorServer = serverPart(ev.actor.id);
      const byActor = actorServer ? lookup(`matrix::${actorServer}`) : undefined;
      if (byActor) return byActor;
      const roomServer = serverPart(room);
      return roomServer ? lookup(`matrix::${roomServer}`) : undefined;
    }
    default:
      return undefined;
  }
}
