import { isoDurationGerman, legalClocks } from "../config/clocks.ts";
import { fieldLabel, fieldValue, roleHolders } from "../config/gaps.ts";
import { systemsInOrder } from "../config/summary.ts";
import { de } from "../core/i18n/de.ts";
import { flagsOf, type OrgConfig } from "../core/org.ts";
import { type Condition, type ConfigSwitch, type Level, loc, type Playbook, ROLES, type Task } from "../machines/schema.ts";
import { PLACEHOLDER_LABELS } from "../templates/placeholders.ts";
import type { Block, Handbook, HandbookPage, ListItem } from "./model.ts";

/** What the handbook is made from. Without `config`, every organisation value is a visible gap. */
export interface HandbookInput {
  playbooks: readonly Playbook[];
  config: OrgConfig | undefined;
  /** "Stand" date; default now. */
  now?: Date;
}

/** Phases whose tasks are the immediate actions printed per incident type. */
export const IMMEDIATE_PHASES = ["erkennung", "sofort"] as const;

/** National numbers that are the same for everyone (not configurable). */
const FIXED_NUMBERS = [
  ["Feuer, Rauch, Verletzte: Notruf", "112"],
  ["Polizei-Notruf bei akuter Gefahr", "110"],
  ["BSI Service-Center (Beratung bei Cyberangriffen)", "0800 274 1000"],
] as const;

const gap = (label: string) => `[[${label}]]`;

/** The value of a field of the organisation file, or its visible gap. */
function v(cfg: OrgConfig | undefined, field: string): string {
  return fieldValue(cfg, field) ?? gap(fieldLabel(field));
}

/** Builds the whole handbook. Pure: same input, same output. */
export function buildHandbook(input: HandbookInput): Handbook {
  const { playbooks, config } = input;
  const org = v(config, "name");
  const common = commonTaskIds(playbooks, config);
  return {
    title: "IT-Notfallhandbuch",
    org,
    generatedAt: input.now ?? new Date(),
    pages: [
      contactPage(config, org),
      emergencyCard(config),
      ...(common.size ? [commonPage(playbooks[0]!, config, common)] : []),
      ...playbooks.map((pb) => incidentPage(pb, config, common)),
      recoveryPage(config),
      deadlinePage(playbooks, config),
    ],
  };
}

function contactPage(cfg: OrgConfig | undefined, org: string): HandbookPage {
  const holders = roleHolders(cfg);
  const blocks: Block[] = [
    { type: "title", text: "IT-Notfallhandbuch", subtitle: org },
    { type: "callout", text: `Interne IT-Notfallnummer: ${v(cfg, "emergency_phone")}` },
    {
      type: "paragraph",
      size: "small",
      text: "Diese Seite ausgedruckt aufbewahren (Empfang, Büro der Leitung, zu Hause). Sie muss auch funktionieren, wenn kein Server, keine E-Mail und keine Telefonanlage mehr geht.",
    },
    { type: "heading", text: "Notfallkontakte" },
    { type: "paragraph", text: [v(cfg, "address"), `Telefon ${v(cfg, "phone")}`, v(cfg, "email")].join(" · ") },
    { type: "subheading", text: "Rollen im Notfall" },
    {
      type: "facts",
      rows: ROLES.map((r) => ({ label: de.roleName[r], value: holders[r] ?? gap(PLACEHOLDER_LABELS[`role.${r}`]) })),
    },
    { type: "subheading", text: "Externe Stellen" },
    {
      type: "table",
      columns: [
        { title: "Stelle", width: 2 },
        { title: "Name", width: 3.2 },
        { title: "Telefon", width: 2.2 },
        { title: "Hinweis", width: 3.6 },
      ],
      rows: [
        [
          "IT-Dienstleister",
          v(cfg, "it.name"),
          v(cfg, "it.hotline"),
          joinSome([v(cfg, "it.hours"), fieldValue(cfg, "it.contract"), fieldValue(cfg, "it.email")]),
        ],
        ["Datenschutz­beauftragte:r", v(cfg, "dpo.name"), v(cfg, "dpo.phone"), v(cfg, "dpo.email")],
        [
          "Datenschutz­behörde",
          v(cfg, "authority.name"),
          v(cfg, "authority.phone"),
          joinSome(["Meldung binnen 72 Stunden ab Kenntnis", fieldValue(cfg, "authority.url")]),
        ],
        [
          "Polizei (ZAC)",
          v(cfg, "police.name"),
          v(cfg, "police.phone"),
          joinSome(["Anzeige erstatten, Beweise mitbringen", fieldValue(cfg, "police.url")]),
        ],
        cfg && !cfg.insurer
          ? ["Cyber-Versicherung", "keine eingetragen", "–", "Falls vorhanden: Abschnitt insurer: in der Organisationsdatei ergänzen"]
          : [
              "Cyber-Versicherung",
              v(cfg, "insurer.name"),
              v(cfg, "insurer.hotline"),
              joinSome(["Zuerst die Hotline anrufen", cfg?.insurer?.policy ? `Versicherungsschein ${cfg.insurer.policy}` : undefined]),
            ],
        ["Bank", v(cfg, "bank.name"), v(cfg, "bank.hotline"), "Bei Betrug: Überweisung sofort stoppen lassen"],
      ],
    },
  ];
  blocks.push({ type: "paragraph", size: "small", text: FIXED_NUMBERS.map(([who, phone]) => `${who}: ${phone}`).join(" · ") });
  if (cfg?.insurer?.terms)
    blocks.push({ type: "paragraph", size: "small", text: `Besondere Bedingungen der Versicherung: ${cfg.insurer.terms}` });
  blocks.push({ type: "subheading", text: "Telefonliste" });
  const contacts = cfg?.contacts ?? [];
  blocks.push({
    type: "table",
    columns: [
      { title: "Name", width: 3 },
      { title: "Rolle", width: 3.4 },
      { title: "Telefon", width: 2.2 },
      { title: "Ausweichnummer, E-Mail", width: 2.2 },
    ],
    rows: contacts.length
      ? contacts.map((c) => [
          c.name,
          c.role ?? "",
          c.phone ?? (c.phone_alt ? "" : gap(`Telefon ${c.name}`)),
          joinSome([c.phone_alt, c.email]),
        ])
      : [[gap("Name"), gap("Rolle"), gap("Telefon"), ""]],
  });
  return { id: "kontakte", blocks };
}

function emergencyCard(cfg: OrgConfig | undefined): HandbookPage {
  return {
    id: "notfallkarte",
    blocks: [
      { type: "title", text: "IT-Notfallkarte", subtitle: "Verhalten bei IT-Notfällen" },
      { type: "paragraph", size: "large", bold: true, text: "Ruhe bewahren & IT-Notfall melden" },
      { type: "callout", size: "large", text: `Interne IT-Notfallnummer: ${v(cfg, "emergency_phone")}` },
      {
        type: "paragraph",
        text: "Lieber einmal zu oft anrufen als einmal zu wenig. Ob Defekt oder Angriff, entscheidet die IT, nicht Sie.",
      },
      { type: "subheading", text: "Was Sie am Telefon sagen" },
      {
        type: "list",
        ordered: true,
        size: "large",
        items: [
          { text: "Wer meldet? Name und Rückrufnummer." },
          { text: "Welches IT-System ist betroffen? Gerät, Programm, Bildschirmmeldung." },
          { text: "Wie haben Sie gearbeitet, was haben Sie beobachtet?" },
          { text: "Wann ist es passiert oder aufgefallen?" },
          { text: "Wo steht das Gerät? Gebäude, Raum, Arbeitsplatz." },
        ],
      },
      { type: "subheading", text: "Was Sie sofort tun" },
      {
        type: "list",
        size: "large",
        items: [
          { text: "Am betroffenen Gerät nicht weiterarbeiten.", strong: true },
          {
            text: "Bei Verdacht auf einen Angriff (Erpresserschreiben, Dateien lassen sich nicht öffnen, Maus bewegt sich von selbst): Netzwerkkabel am Gerät ziehen (Nase am Stecker drücken, die Lämpchen an der Buchse gehen aus) und WLAN ausschalten. Das Gerät bleibt eingeschaltet.",
            strong: true,
          },
          { text: "Beobachtungen aufschreiben, Bildschirm mit dem Handy fotografieren." },
          {
            text: "Nichts auf eigene Faust reparieren oder löschen. Ausschalten nur auf Anweisung der IT oder der IT-Notfall-Koordination.",
          },
          { text: "Bei Feuer, Rauch oder Verletzten zuerst 112 rufen und das Gebäude verlassen.", strong: true },
        ],
      },
      {
        type: "paragraph",
        size: "small",
        text: "Im Chat: /notfall <Art> <was ist passiert>, zum Beispiel /notfall verschlüsselung Bildschirm zeigt Erpresserschreiben. Übersicht aller Arten: /notfall",
      },
    ],
  };
}

/** The immediate actions of a playbook (phases Erkennung and Sofortmaßnahmen) that apply with this configuration. */
export function immediateTasks(pb: Playbook, cfg: OrgConfig | undefined): Task[] {
  const flags = flagsOf(cfg);
  return pb.tasks.filter(
    (t) => (IMMEDIATE_PHASES as readonly string[]).includes(t.phase) && (!cfg || !t.when?.config || flags[t.when.config]),
  );
}

/**
 * Immediate actions that every playbook shares (the common fragment: roles, fallback channel, timeline, insurer,
 * data protection). Printed once on their own page instead of on every incident page. Needs two playbooks or more.
 */
export function commonTaskIds(playbooks: readonly Playbook[], cfg: OrgConfig | undefined): Set<string> {
  if (playbooks.length < 2) return new Set();
  const [first, ...rest] = playbooks;
  const ids = immediateTasks(first!, cfg).map((t) => t.id);
  return new Set(
    ids.filter((id) => rest.every((pb) => pb.tasks.some((t) => t.id === id && (IMMEDIATE_PHASES as readonly string[]).includes(t.phase)))),
  );
}

function commonPage(pb: Playbook, cfg: OrgConfig | undefined, common: Set<string>): HandbookPage {
  const tasks = immediateTasks(pb, cfg).filter((t) => common.has(t.id));
  return {
    id: "jeder-notfall",
    blocks: [
      { type: "heading", text: "Bei jedem Notfall" },
      {
        type: "paragraph",
        text: "Diese Sofortmaßnahmen gelten für jede Art von IT-Notfall, zusätzlich zu denen auf der Seite der jeweiligen Notfallart. Fett gedruckt: wichtig, muss erledigt sein, bevor es weitergeht.",
      },
      ...roleLists(tasks, pb, cfg),
    ],
  };
}

function incidentPage(pb: Playbook, cfg: OrgConfig | undefined, common: Set<string>): HandbookPage {
  const tasks = immediateTasks(pb, cfg).filter((t) => !common.has(t.id));
  const levels = Object.entries(pb.levels ?? {}).map(([lvl, info]) => ({
    label: `${de.levelName[lvl as Level]}, wenn`,
    value: loc(info.raise_when),
  }));
  const blocks: Block[] = [
    { type: "heading", text: loc(pb.title) },
    { type: "paragraph", text: loc(pb.summary) },
    {
      type: "facts",
      rows: [
        { label: "Im Chat melden", value: `/notfall ${pb.triggers[0] ?? pb.id} <was ist passiert>` },
        { label: "Stufe", value: de.levelName[pb.level] },
        ...levels,
      ],
    },
    {
      type: "paragraph",
      size: "small",
      text: `Sofortmaßnahmen nach Rolle. Fett gedruckt: wichtig, muss erledigt sein, bevor es weitergeht.${common.size ? " Dazu kommen die Aufgaben von der Seite „Bei jedem Notfall“." : ""}`,
    },
    ...roleLists(tasks, pb, cfg),
  ];
  if (tasks.length === 0) blocks.push({ type: "paragraph", text: gap("Sofortmaßnahmen für diese Notfallart ergänzen") });
  return { id: `playbook-${pb.id}`, blocks };
}

function roleLists(tasks: Task[], pb: Playbook, cfg: OrgConfig | undefined): Block[] {
  const blocks: Block[] = [];
  for (const role of ROLES) {
    const mine = tasks.filter((t) => t.role === role);
    if (mine.length === 0) continue;
    blocks.push({ type: "subheading", text: de.roleName[role] });
    blocks.push({
      type: "list",
      items: mine.map((t): ListItem => ({ text: taskLine(t, pb, cfg), ...(t.critical ? { strong: true } : {}) })),
    });
  }
  return blocks;
}

function taskLine(t: Task, pb: Playbook, cfg: OrgConfig | undefined): string {
  const notes: string[] = [];
  if (t.due) notes.push(`binnen ${isoDurationGerman(t.due)}`);
  const cond = conditionText(t.when, pb, cfg);
  if (cond) notes.push(cond);
  return notes.length ? `${loc(t.text)} (${notes.join("; ")})` : loc(t.text);
}

/** A switch of the organisation file in words, for conditions printed without an organisation file. */
const CONFIG_WORDS: Record<ConfigSwitch, string> = { nis2: "wenn NIS2 gilt", insurer: "mit Cyber-Versicherung", praxis: "in Praxen" };

/** "nur wenn: Werden gerade noch Dateien verschlüsselt? ja", "ab Stufe Krise", "nur wenn NIS2 gilt". */
function conditionText(when: Condition | undefined, pb: Playbook, cfg: OrgConfig | undefined): string | undefined {
  if (!when) return undefined;
  const parts: string[] = [];
  if (when.question) {
    const q = pb.questions.find((x) => x.id === when.question);
    const text = q ? shortQuestion(loc(q.text)) : when.question;
    const ans = when.answer === undefined ? "beantwortet" : Array.isArray(when.answer) ? when.answer.join(" oder ") : when.answer;
    parts.push(`${text} ${ans}`);
  }
  if (when.min_level) parts.push(`ab Stufe ${de.levelName[when.min_level]}`);
  if (when.config && !cfg) parts.push(CONFIG_WORDS[when.config]);
  return parts.length ? `nur wenn: ${parts.join(", ")}` : undefined;
}

/** The question up to its question mark, without the explanation in brackets. */
function shortQuestion(text: string): string {
  const q = text.indexOf("?");
  return (q >= 0 ? text.slice(0, q + 1) : text).trim();
}

function recoveryPage(cfg: OrgConfig | undefined): HandbookPage {
  const systems = systemsInOrder(cfg);
  return {
    id: "wiederanlauf",
    blocks: [
      { type: "heading", text: "Wiederanlauf-Reihenfolge" },
      {
        type: "paragraph",
        text: "In dieser Reihenfolge werden die Systeme wiederhergestellt: die wichtigsten zuerst. RTO = wie schnell das System spätestens wieder laufen muss. RPO = wie viel Datenverlust höchstens tragbar ist (so alt darf die letzte Sicherung höchstens sein).",
      },
      {
        type: "table",
        columns: [
          { title: "Nr.", width: 0.7 },
          { title: "System", width: 4 },
          { title: "RTO", width: 1.3 },
          { title: "RPO", width: 1.3 },
          { title: "Hinweise", width: 4 },
        ],
        rows: systems.length
          ? systems.map((s, i) => [String(i + 1), s.name, s.rto ?? gap(`RTO ${s.name}`), s.rpo ?? "–", s.notes ?? ""])
          : [["1", gap("Wichtigstes System (z. B. Praxissoftware, ERP)"), gap("RTO"), gap("RPO"), ""]],
      },
      {
        type: "paragraph",
        size: "small",
        text: "Vor dem Wiederanschluss jedes Gerät prüfen, nur aus einer sauberen Sicherung wiederherstellen und die Freigabe für den Normalbetrieb gibt die Koordination.",
      },
    ],
  };
}

function deadlinePage(playbooks: readonly Playbook[], cfg: OrgConfig | undefined): HandbookPage {
  const clocks = legalClocks(playbooks, cfg);
  const blocks: Block[] = [
    { type: "heading", text: "Meldefristen" },
    {
      type: "paragraph",
      text: "Alle Fristen laufen ab Kenntnis: ab dem ersten glaubhaften Hinweis, nicht erst ab Gewissheit. Die Fristen nach DSGVO und NIS2 laufen nebeneinander. Der Bot erinnert an jede Frist.",
    },
    {
      type: "table",
      columns: [
        { title: "Meldung", width: 3 },
        { title: "Frist", width: 2.2 },
        { title: "Gilt für uns", width: 2 },
        { title: "Worum es geht", width: 5 },
      ],
      rows: clocks.length
        ? clocks.map((c) => [
            c.title,
            `${c.period} ${c.start}`,
            c.applies ? (c.why === "immer" ? "ja" : `ja (${c.why})`) : `nein (${c.why})`,
            c.basis,
          ])
        : [[gap("Meldefristen"), "", "", ""]],
    },
    {
      type: "facts",
      rows: [
        { label: "Datenschutzbehörde", value: joinSome([v(cfg, "authority.name"), fieldValue(cfg, "authority.url")]) },
        { label: "Datenschutzbeauftragte:r", value: joinSome([v(cfg, "dpo.name"), v(cfg, "dpo.phone")]) },
        ...(cfg?.insurer || !cfg ? [{ label: "Versicherung", value: joinSome([v(cfg, "insurer.name"), v(cfg, "insurer.hotline")]) }] : []),
      ],
    },
    {
      type: "paragraph",
      size: "small",
      text: "Hinweis: Diese Übersicht ersetzt keine Rechtsberatung. Ob gemeldet werden muss, entscheidet die Leitung mit der oder dem Datenschutzbeauftragten.",
    },
  ];
  return { id: "fristen", blocks };
}

function joinSome(parts: (string | undefined)[]): string {
  return parts.filter((p): p is string => Boolean(p?.trim())).join(" · ");
}
