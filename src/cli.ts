import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { CONSOLE_CHANNEL, ConsoleAdapter, type OpenIncidentNote, terminalColumns } from "./adapters/console/adapter.ts";
import { renderNotice } from "./adapters/console/render.ts";
import { consoleTexts } from "./adapters/console/texts.ts";
import { createBot, type TenantSetup } from "./app.ts";
import { ConfigError, findConfigPath, readOrgConfig } from "./config/load.ts";
import { startupNotice } from "./config/startup.ts";
import { systemClock } from "./core/clock.ts";
import { de } from "./core/i18n/de.ts";
import { en } from "./core/i18n/en.ts";
import type { OrgConfig } from "./core/org.ts";
import type { StoragePort } from "./core/ports.ts";
import { DEFAULT_TENANT, openChosenStorage, type Storage, tenantSinks, tenantsFromEnv } from "./deployment.ts";
import { loadPlaybooks, PlaybookError } from "./machines/loader.ts";
import { formatIssue } from "./machines/playbook-error.ts";
import { loc, type Phase, type Playbook } from "./machines/schema.ts";
import { type StorageChoice, StorageConfigError, selectStorage } from "./storage/select.ts";

export const HELP = `notfallbot – führt kleine Firmen und Praxen durch einen IT-Notfall

Aufruf:
  notfallbot [console]          Bot im Terminal (Standard; liest Zeilen von stdin)
  notfallbot serve              HTTP-Server mit Slack/Teams/Matrix (je nach gesetzten Variablen)
  notfallbot export <NF-…>      Dokumentation eines Notfalls: Markdown, JSON und Vorfallsbericht (PDF)
  notfallbot playbooks [--diagram]   Notfallarten auflisten (mit Zustandsdiagramm in Mermaid)
  notfallbot playbooks --match "<Text>"   Welche Notfallart passt zu einer Beschreibung? (Rangliste mit Punkten)
  notfallbot check-config [--config DATEI]   Organisationsdatei prüfen
  notfallbot handbuch [--out DATEI]          Druckbares Notfallhandbuch (PDF + Markdown)

Optionen:
  --db PATH         Datenbank (Standard ./data/notfall.db, oder NOTFALL_DB); PostgreSQL: DATABASE_URL=postgres://…
  --tenant NAME     Mandant für console und export, wenn NOTFALL_TENANTS=ORDNER gesetzt ist (Dateiname ohne .yaml)
  --config PATH     Organisationsdatei (sonst NOTFALL_CONFIG, sonst ./notfall.config.yaml)
  --user NAME       Wer im Terminal ohne "@name:" spricht (Standard: ich)
  --lang de|en      Sprache der Bot-Texte (Standard de)
  -h, --help        Diese Hilfe

Im Terminal: "/notfall verschlüsselung Server zeigt Erpressernachricht" meldet einen Notfall,
"@anna: rolle koordinator" spricht als anna. Ende der Eingabe (Strg+D) beendet den Bot.

Eine fehlerhafte Organisationsdatei hält den Bot nicht auf: Terminal, serve und export starten mit einer
deutlichen Warnung (Datei und Zeile) und nutzen die gültigen Teile. check-config und handbuch brechen ab (Exit 3).

Exit-Codes: 0 ok · 1 Fehler beim Lauf · 2 falscher Aufruf · 3 Organisationsdatei fehlerhaft (check-config,
            handbuch) · 4 Playbook fehlerhaft · 5 Notfall nicht gefunden · 70 serve: Bot-Thread abgestürzt
            (der Dienst startet neu wie nach einem Absturz) · 78 falsche Node-Version`;

/** The same in English (`--help --lang en`); `handbook` is the English name of `handbuch`. */
export const HELP_EN = `notfallbot – guides small companies and medical practices through an IT emergency

Usage:
  notfallbot [console]          Bot in the terminal (default; reads lines from stdin)
  notfallbot serve              HTTP server with Slack/Teams/Matrix (depending on the variables set)
  notfallbot export <NF-…>      Record of an incident: Markdown, JSON and incident report (PDF)
  notfallbot playbooks [--diagram]   List the types of emergency (with a state diagram in Mermaid)
  notfallbot playbooks --match "<text>"   Which type of emergency fits a description? (ranking with points)
  notfallbot check-config [--config FILE]   Check the organisation file
  notfallbot handbook [--out FILE]          Printable emergency handbook (PDF + Markdown)

Options:
  --db PATH         Database (default ./data/notfall.db, or NOTFALL_DB); PostgreSQL: DATABASE_URL=postgres://…
  --tenant NAME     Tenant for console and export when NOTFALL_TENANTS=FOLDER is set (file name without .yaml)
  --config PATH     Organisation file (otherwise NOTFALL_CONFIG, otherwise ./notfall.config.yaml)
  --user NAME       Who speaks in the terminal without "@name:" (default: me)
  --lang de|en      Language of the bot, the exports, the handbook and this help (default de)
  -h, --help        This help

In the terminal: "/notfall ransomware server shows a ransom note" reports an emergency,
"@anna: role coordinator" speaks as anna. End of input (Ctrl+D) stops the bot.

A broken organisation file does not stop the bot: console, serve and export start with a clear warning
(file and line) and use the valid parts. check-config and handbook stop (exit 3).

Exit codes: 0 ok · 1 error while running · 2 wrong usage · 3 organisation file broken (check-config,
            handbook) · 4 playbook broken · 5 incident not found · 70 serve: the bot thread crashed
            (the service restarts as after a crash) · 78 wrong Node version`;

type Opts = {
  db?: string;
  tenant?: string;
  config?: string;
  user?: string;
  lang?: string;
  out?: string;
  diagram?: boolean;
  help?: boolean;
  port?: string;
  match?: string;
};

export async function main(argv: string[]): Promise<number> {
  let parsed: { values: Opts; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        db: { type: "string" },
        tenant: { type: "string" },
        config: { type: "string" },
        user: { type: "string" },
        lang: { type: "string" },
        out: { type: "string" },
        port: { type: "string" },
        diagram: { type: "boolean" },
        match: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }) as { values: Opts; positionals: string[] };
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  // the English name of a command works too: `notfallbot handbook --lang en`
  const cmd = positionals[0] === "handbook" ? "handbuch" : (positionals[0] ?? "console");
  if (values.help || cmd === "help" || cmd === "hilfe") {
    process.stdout.write(`${values.lang === "en" ? HELP_EN : HELP}\n`);
    return 0;
  }
  const lang = values.lang === "en" ? "en" : values.lang === undefined || values.lang === "de" ? undefined : "bad";
  if (lang === "bad") {
    // which language the person reads is what went wrong: say it in both
    process.stderr.write(`${de.cli.langUnknown(values.lang!)}\n${en.cli.langUnknown(values.lang!)}\n`);
    return 2;
  }
  const t = lang === "en" ? en : de;
  const configPath = findConfigPath(values.config);
  const reading = configPath ? readOrgConfig(configPath) : undefined;
  if (reading?.issues.length && (cmd === "check-config" || cmd === "handbuch")) {
    // Checking the file, or printing it into the handbook: here a mistake is an error (exit 3).
    process.stderr.write(`${t.cli.configHasErrors}\n${new ConfigError(reading.issues, lang ?? "de").message}\n`);
    return 3;
  }
  // Everywhere else a broken file never keeps the bot from helping: a loud warning, then the valid parts.
  const notice = cmd === "check-config" ? undefined : startupNotice(reading, lang === "en" ? "en" : "de");
  if (notice) {
    const style = { color: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR, width: terminalColumns(process.env, process.stderr) };
    process.stderr.write(`${renderNotice(notice, style, { tint: "yellow" })}\n`);
  }
  const config: OrgConfig | undefined = reading?.config;
  let playbooks: ReturnType<typeof loadPlaybooks>;
  try {
    playbooks = loadPlaybooks();
  } catch (err) {
    if (err instanceof PlaybookError) {
      process.stderr.write(`${lang === "en" ? err.messageEn : err.message}\n`);
      return 4;
    }
    throw err;
  }
  let choice: StorageChoice;
  try {
    choice = selectStorage(process.env, values.db !== undefined ? { db: values.db } : {});
  } catch (err) {
    if (err instanceof StorageConfigError) {
      process.stderr.write(`${lang === "en" ? err.messageEn : err.message}\n`);
      return 2;
    }
    throw err;
  }
  const tenant = values.tenant;
  if (tenant !== undefined && !process.env.NOTFALL_TENANTS) {
    process.stderr.write(`${t.cli.tenantNeedsFolder}\n`);
    return 2;
  }

  switch (cmd) {
    case "console":
      return runConsole({ choice, tenant, config, configPath, playbooks, user: values.user, locale: lang });
    case "serve": {
      const { serve } = await import("./serve.ts");
      return serve({ storage: choice, config, configPath, locale: lang, port: Number(values.port ?? process.env.PORT ?? 3978) });
    }
    case "check-config": {
      if (!configPath) {
        process.stderr.write(`${t.cli.noConfigFile}\n`);
        return 3;
      }
      // A broken file never gets here: main() already printed every issue with file, line and field, and returned 3.
      const { configSummary } = await import("./config/summary.ts");
      process.stdout.write(`${configSummary(config ?? {}, playbooks.list(), reading!.file, reading!.warnings, lang ?? "de")}\n`);
      return 0;
    }
    case "playbooks": {
      if (values.match !== undefined) return printMatch(values.match, playbooks.list(), lang ?? "de");
      for (const w of playbooks.warnings) process.stderr.write(`${formatIssue(w, lang ?? "de")}\n`);
      for (const pb of playbooks.list()) {
        process.stdout.write(
          `${pb.id.padEnd(20)} ${loc(pb.title, lang ?? "de")}  – ${t.cli.keywords}: ${pb.triggers.slice(0, 5).join(", ")}\n`,
        );
        if (values.diagram) {
          const { mermaidFor } = await import("./machines/diagram.ts");
          process.stdout.write(`\n\`\`\`mermaid\n${mermaidFor(pb, lang ?? "de")}\n\`\`\`\n\n`);
        }
      }
      return 0;
    }
    case "export": {
      const id = positionals[1];
      if (!id) {
        process.stderr.write(`${t.cli.exportWhich}\n`);
        return 2;
      }
      const opened = await openForCommand(choice, tenant, config, configPath, playbooks.list(), lang ?? "de");
      if (typeof opened === "number") return opened;
      try {
        const bot = createBot({
          storage: opened.setup.storage,
          adapters: [],
          playbooks,
          ...(opened.setup.config ? { config: opened.setup.config } : {}),
          ...(opened.setup.exports ? { exports: opened.setup.exports } : {}),
          // the files in the language asked for (else the organisation file's `locale`, else German)
          ...(lang ? { locale: lang } : {}),
        });
        const L = await bot.service.incident(id);
        if (!L) {
          process.stderr.write(`${t.cli.incidentNotFound(id, opened.where)}\n`);
          return 5;
        }
        const files = await bot.service.exportFiles(L);
        process.stdout.write(`${files.join("\n")}\n`);
        return 0;
      } finally {
        await opened.close();
      }
    }
    case "handbuch": {
      const { writeHandbook } = await import("./handbook/write.ts");
      const files = await writeHandbook({
        playbooks: playbooks.list(),
        config,
        ...(lang === "en" ? { locale: "en" as const } : {}),
        out: values.out ?? "notfallhandbuch.pdf",
        ...(configPath ? { configFile: configPath } : {}),
      });
      process.stdout.write(`${files.join("\n")}\n`);
      return 0;
    }
    default:
      process.stderr.write(lang === "en" ? `Unknown command "${cmd}".\n\n${HELP_EN}\n` : `Unbekannter Befehl "${cmd}".\n\n${HELP}\n`);
      return 2;
  }
}

/**
 * The store, organisation file and export folder of one tenant for `console` and `export`: the default tenant
 * (the organisation file of `--config`, data next to the database), or with `--tenant` one from `NOTFALL_TENANTS`.
 * Returns an exit code when the tenant or the database cannot be opened.
 */
async function openForCommand(
  choice: StorageChoice,
  tenant: string | undefined,
  config: OrgConfig | undefined,
  configPath: string | undefined,
  playbooks: Playbook[],
  locale: "de" | "en",
  namesRelativeTo?: string,
): Promise<{ setup: TenantSetup; where: string; dataDir: string; close(): Promise<void> } | number> {
  const t = locale === "en" ? en : de;
  const logErr = (level: string, msg: string) => {
    if (level !== "info") process.stderr.write(`${msg}\n`);
  };
  let storage: Storage;
  try {
    storage = await openChosenStorage(choice, process.env, logErr, locale);
  } catch (err) {
    process.stderr.write(`${t.cli.databaseUnreachable(err instanceof Error ? err.message : String(err))}\n`);
    return 1;
  }
  if (tenant === undefined && process.env.NOTFALL_TENANTS?.trim()) {
    // with tenants, `serve` files every event under a named tenant: without --tenant there would be nothing here
    const known = tenantsFromEnv(process.env, storage, playbooks, () => {})?.ids() ?? [];
    process.stderr.write(`${t.cli.tenantRequired(known)}\n`);
    await storage.close();
    return 2;
  }
  if (tenant === undefined) {
    const sinks = tenantSinks(storage.dataDir, DEFAULT_TENANT, config, configPath, playbooks, namesRelativeTo);
    return {
      setup: { id: DEFAULT_TENANT, storage: storage.base, config, ...sinks },
      where: storage.description,
      dataDir: storage.dataDir,
      close: () => storage.close(),
    };
  }
  const dir = tenantsFromEnv(process.env, storage, playbooks, logErr, namesRelativeTo);
  const setup = dir?.get(tenant);
  if (!setup) {
    const known = dir?.ids() ?? [];
    process.stderr.write(`${t.cli.tenantUnknown(tenant, process.env.NOTFALL_TENANTS ?? "", [...known])}\n`);
    await storage.close();
    return 2;
  }
  return { setup, where: t.cli.whereTenant(storage.description, tenant), dataDir: storage.dataDir, close: () => storage.close() };
}

/** `playbooks --match "<text>"`: the matcher's ranking with scores, for people writing playbooks. */
async function printMatch(text: string, list: Playbook[], locale: "de" | "en"): Promise<number> {
  if (!text.trim()) {
    process.stderr.write(`${(locale === "en" ? en : de).cli.matchEmpty}\n`);
    return 2;
  }
  const { matchPlaybooks } = await import("./core/match/index.ts");
  const { explainMatch } = await import("./core/match/explain.ts");
  process.stdout.write(`${explainMatch(text, matchPlaybooks(text, list), list, locale).join("\n")}\n`);
  return 0;
}

async function runConsole(o: {
  choice: StorageChoice;
  tenant: string | undefined;
  config: OrgConfig | undefined;
  configPath: string | undefined;
  playbooks: ReturnType<typeof loadPlaybooks>;
  user: string | undefined;
  locale: "en" | undefined;
}): Promise<number> {
  const opened = await openForCommand(o.choice, o.tenant, o.config, o.configPath, o.playbooks.list(), o.locale ?? "de");
  if (typeof opened === "number") return opened;
  const { setup } = opened;
  const storage = setup.storage;
  const tty = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  let done!: () => void;
  const ended = new Promise<void>((r) => {
    done = r;
  });
  const adapter = new ConsoleAdapter({
    input: process.stdin,
    output: process.stdout,
    clock: systemClock,
    defaultUser: o.user ?? process.env.NOTFALL_USER ?? consoleTexts(o.locale).defaultUser,
    color: tty,
    columns: () => terminalColumns(),
    ...(o.locale ? { locale: o.locale } : {}),
    onEnd: () => done(),
  });
  const bot = createBot({
    storage,
    adapters: [adapter],
    playbooks: o.playbooks,
    ...(setup.config ? { config: setup.config } : {}),
    ...(o.locale ? { locale: o.locale } : {}),
    ...(setup.exports ? { exports: setup.exports } : {}),
    ...(setup.handbook ? { handbook: setup.handbook } : {}),
    log: (level, msg, detail) => {
      if (level !== "info") process.stderr.write(`[${level}] ${msg}${detail instanceof Error ? `: ${detail.message}` : ""}\n`);
    },
  });
  const texts = consoleTexts(o.locale);
  const where = o.choice.kind === "sqlite" ? o.choice.file : opened.where;
  await adapter.greet({
    ...(process.stdin.isTTY ? { intro: texts.intro(where, setup.config ? (setup.config.name ?? "") : undefined) } : {}),
    open: await openConsoleIncidents(storage, o.locale),
  });
  const interrupt = stopOnInterrupt(adapter);
  await bot.start();
  await ended;
  await bot.idle();
  await adapter.farewell(await openConsoleIncidents(storage, o.locale), againCommand(o.choice, o.tenant));
  await bot.stop();
  await opened.close();
  interrupt.dispose();
  return 0;
}

/**
 * Ctrl+C ends the input like Ctrl+D, so the bot finishes its work and says how to come back. The same keypress may
 * arrive more than once (npm and the launcher pass it on); a second Ctrl+C a moment later stops at once.
 */
function stopOnInterrupt(adapter: ConsoleAdapter): { dispose(): void } {
  let first = 0;
  const onSigint = () => {
    if (first === 0) {
      first = Date.now();
      void adapter.stop();
    } else if (Date.now() - first > 1000) process.exit(130);
  };
  process.on("SIGINT", onSigint);
  return { dispose: () => process.off("SIGINT", onSigint) };
}

/** Incidents still open in the terminal's channel, as the start and end notices name them. */
async function openConsoleIncidents(
  storage: Pick<StoragePort, "openIncidentsInChannel">,
  locale: "en" | undefined,
): Promise<OpenIncidentNote[]> {
  const t = locale === "en" ? en : de;
  return (await storage.openIncidentsInChannel(CONSOLE_CHANNEL)).map((r) => ({
    id: r.id,
    title: r.title,
    phase: t.phaseName[r.phase as Phase] ?? r.phase,
    drill: r.drill,
  }));
}

/** How to come back to the same incidents: `npm start`, with the database and tenant when they are not the default. */
function againCommand(choice: StorageChoice, tenant: string | undefined): string {
  const args = [
    ...(choice.kind === "sqlite" && choice.file !== resolve("data/notfall.db") ? [`--db ${choice.file}`] : []),
    ...(tenant !== undefined ? [`--tenant ${tenant}`] : []),
  ];
  return args.length ? `npm start -- ${args.join(" ")}` : "npm start";
}
