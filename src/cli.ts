import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConsoleAdapter } from "./adapters/console/adapter.ts";
import { createBot } from "./app.ts";
import { ConfigError, findConfigPath, loadOrgConfig } from "./config/load.ts";
import { systemClock } from "./core/clock.ts";
import type { OrgConfig } from "./core/org.ts";
import { exportDirFor, fileExportSink, handbookFor } from "./exports.ts";
import { loadPlaybooks, PlaybookError } from "./machines/loader.ts";
import { loc } from "./machines/schema.ts";
import { openStorage } from "./storage/index.ts";

export const HELP = `notfallbot – führt kleine Firmen und Praxen durch einen IT-Notfall

Aufruf:
  notfallbot [console]          Bot im Terminal (Standard; liest Zeilen von stdin)
  notfallbot serve              HTTP-Server mit Slack/Teams/Matrix (je nach gesetzten Variablen)
  notfallbot export <NF-…>      Dokumentation eines Notfalls als Markdown + JSON schreiben
  notfallbot playbooks [--diagram]   Notfallarten auflisten (mit Zustandsdiagramm in Mermaid)
  notfallbot check-config [--config DATEI]   Organisationsdatei prüfen
  notfallbot handbuch [--out DATEI]          Druckbares Notfallhandbuch (PDF + Markdown)

Optionen:
  --db PATH         Datenbank (Standard ./data/notfall.db, oder NOTFALL_DB)
  --config PATH     Organisationsdatei (sonst NOTFALL_CONFIG, sonst ./notfall.config.yaml)
  --user NAME       Wer im Terminal ohne "@name:" spricht (Standard: ich)
  --lang de|en      Sprache der Bot-Texte (Standard de)
  -h, --help        Diese Hilfe

Im Terminal: "/notfall verschlüsselung Server zeigt Erpressernachricht" meldet einen Notfall,
"@anna: rolle koordinator" spricht als anna. Ende der Eingabe (Strg+D) beendet den Bot.

Exit-Codes: 0 ok · 1 Fehler beim Lauf · 2 falscher Aufruf · 3 Organisationsdatei fehlerhaft ·
            4 Playbook fehlerhaft · 5 Notfall nicht gefunden · 78 falsche Node-Version`;

type Opts = { db?: string; config?: string; user?: string; lang?: string; out?: string; diagram?: boolean; help?: boolean; port?: string };

export async function main(argv: string[]): Promise<number> {
  let parsed: { values: Opts; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        db: { type: "string" },
        config: { type: "string" },
        user: { type: "string" },
        lang: { type: "string" },
        out: { type: "string" },
        port: { type: "string" },
        diagram: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }) as { values: Opts; positionals: string[] };
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const cmd = positionals[0] ?? "console";
  if (values.help || cmd === "help" || cmd === "hilfe") {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const lang = values.lang === "en" ? "en" : values.lang === undefined || values.lang === "de" ? undefined : "bad";
  if (lang === "bad") {
    process.stderr.write(`--lang kennt nur de oder en (nicht "${values.lang}").\n`);
    return 2;
  }
  let config: OrgConfig | undefined;
  const configPath = findConfigPath(values.config);
  try {
    if (configPath) config = loadOrgConfig(configPath);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Die Organisationsdatei hat Fehler:\n${err.message}\n`);
      return 3;
    }
    throw err;
  }
  let playbooks: ReturnType<typeof loadPlaybooks>;
  try {
    playbooks = loadPlaybooks();
  } catch (err) {
    if (err instanceof PlaybookError) {
      process.stderr.write(`${err.message}\n`);
      return 4;
    }
    throw err;
  }
  const dbPath = resolve(values.db ?? process.env.NOTFALL_DB ?? "data/notfall.db");

  switch (cmd) {
    case "console":
      return runConsole({ dbPath, config, configPath, playbooks, user: values.user, locale: lang });
    case "serve": {
      const { serve } = await import("./serve.ts");
      return serve({ dbPath, config, playbooks, locale: lang, port: Number(values.port ?? process.env.PORT ?? 3978) });
    }
    case "check-config": {
      if (!configPath) {
        process.stderr.write("Keine Organisationsdatei gefunden. Vorlage kopieren: cp examples/praxis.yaml notfall.config.yaml\n");
        return 3;
      }
      // A broken file never gets here: main() already printed every issue with file, line and field, and returned 3.
      const { configSummary } = await import("./config/summary.ts");
      const { displayPath } = await import("./machines/yaml-source.ts");
      process.stdout.write(`${configSummary(config ?? {}, playbooks.list(), displayPath(configPath))}\n`);
      return 0;
    }
    case "playbooks": {
      for (const pb of playbooks.list()) {
        process.stdout.write(`${pb.id.padEnd(20)} ${loc(pb.title)}  – Stichworte: ${pb.triggers.slice(0, 5).join(", ")}\n`);
        if (values.diagram) {
          const { mermaidFor } = await import("./machines/diagram.ts");
          process.stdout.write(`\n\`\`\`mermaid\n${mermaidFor(pb)}\n\`\`\`\n\n`);
        }
      }
      return 0;
    }
    case "export": {
      const id = positionals[1];
      if (!id) {
        process.stderr.write("Welcher Notfall? Beispiel: notfallbot export NF-2026-0001\n");
        return 2;
      }
      const storage = openStorage(dbPath);
      try {
        const bot = createBot({
          storage,
          adapters: [],
          playbooks,
          ...(config ? { config } : {}),
          exports: fileExportSink(exportDirFor(dbPath)),
        });
        const L = bot.service.incident(id);
        if (!L) {
          process.stderr.write(`Notfall ${id} nicht gefunden in ${dbPath}.\n`);
          return 5;
        }
        const files = bot.service.exportFiles(L);
        process.stdout.write(`${files.join("\n")}\n`);
        return 0;
      } finally {
        storage.close();
      }
    }
    case "handbuch": {
      const { writeHandbook } = await import("./handbook/write.ts");
      const files = await writeHandbook({ playbooks: playbooks.list(), config, out: values.out ?? "notfallhandbuch.pdf" });
      process.stdout.write(`${files.join("\n")}\n`);
      return 0;
    }
    default:
      process.stderr.write(`Unbekannter Befehl "${cmd}".\n\n${HELP}\n`);
      return 2;
  }
}

async function runConsole(o: {
  dbPath: string;
  config: OrgConfig | undefined;
  configPath: string | undefined;
  playbooks: ReturnType<typeof loadPlaybooks>;
  user: string | undefined;
  locale: "en" | undefined;
}): Promise<number> {
  const storage = openStorage(o.dbPath);
  const tty = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  let done!: () => void;
  const ended = new Promise<void>((r) => {
    done = r;
  });
  const adapter = new ConsoleAdapter({
    input: process.stdin,
    output: process.stdout,
    clock: systemClock,
    defaultUser: o.user ?? process.env.NOTFALL_USER ?? "ich",
    color: tty,
    onEnd: () => done(),
  });
  const bot = createBot({
    storage,
    adapters: [adapter],
    playbooks: o.playbooks,
    ...(o.config ? { config: o.config } : {}),
    ...(o.locale ? { locale: o.locale } : {}),
    exports: fileExportSink(exportDirFor(o.dbPath)),
    handbook: handbookFor(o.playbooks.list(), o.config, o.dbPath),
    log: (level, msg, detail) => {
      if (level !== "info") process.stderr.write(`[${level}] ${msg}${detail instanceof Error ? `: ${detail.message}` : ""}\n`);
    },
  });
  if (process.stdin.isTTY) {
    const cfg = o.config
      ? `Organisation: ${o.config.name}`
      : "Ohne Organisationsdatei: Vorlagen zeigen Lücken [[…]]. Anlegen: cp examples/praxis.yaml notfall.config.yaml";
    process.stdout.write(
      `notfallbot im Terminal · Datenbank ${o.dbPath}\n${cfg}\nTippen Sie "/notfall hilfe" oder z. B. "/notfall verschlüsselung". "@anna: …" spricht als anna. Ende: Strg+D.\n\n`,
    );
  }
  await bot.start();
  await ended;
  await bot.idle();
  await bot.stop();
  storage.close();
  return 0;
}
