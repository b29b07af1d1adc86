import { de } from "../core/i18n/de.ts";
import { en } from "../core/i18n/en.ts";
import type { OrgConfig } from "../core/org.ts";
import { identityLabels, phonesOf, rolePlan } from "../core/role-plan.ts";
import type { Playbook } from "../machines/schema.ts";
import { legalClocks } from "./clocks.ts";
import { configGaps } from "./gaps.ts";
import { formatConfigIssue } from "./load.ts";
import type { ConfigIssue } from "./messages.ts";

/** The words of the summary, per language (`check-config --lang en`). */
const WORDS = {
  de: {
    names: de,
    kind: { praxis: "Praxis", kmu: "Firma (KMU)" } as Record<NonNullable<OrgConfig["kind"]>, string>,
    ok: (file: string) => `${file}: in Ordnung.`,
    notDone: (file: string, n: number) => `${file}: gültig, aber noch nicht fertig (${n === 1 ? "1 Warnung" : `${n} Warnungen`}):`,
    org: "Organisation:    ",
    orgGap: "[[Name der Praxis / Firma]]",
    emergency: "IT-Notfallnummer:",
    emergencyGap: "[[Interne IT-Notfallnummer]]",
    contacts: "Kontakte:        ",
    withPhone: (n: number) => `${n} mit Telefonnummer`,
    it: "IT-Dienstleister:",
    recovery: "Wiederanlauf-Reihenfolge:",
    noSystems: "  (keine Systeme eingetragen – Abschnitt systems: ergänzen)",
    system: (i: number, name: string, rto: string, rpo: string, prio: number) =>
      `  ${i}. ${name} – RTO ${rto}, RPO ${rpo} (Priorität ${prio})`,
    open: "offen",
    clocks: "Fristen im Notfall:",
    gdpr: "  DSGVO: gilt immer, sobald personenbezogene Daten betroffen sein könnten.",
    nis2On: "  NIS2: gilt (nis2: true), Meldungen an das BSI.",
    nis2Off: "  NIS2: gilt nicht (nis2: false oder nicht gesetzt). Im Zweifel die Betroffenheitsprüfung des BSI machen.",
    insurerOn: (hotline: string | undefined) => `  Versicherung: gilt${hotline ? `, Hotline ${hotline}` : ""}.`,
    insurerOff: "  Versicherung: keine eingetragen (falls vorhanden: Abschnitt insurer: ergänzen).",
    noGaps: "Keine Lücken: Vorlagen und Notfallhandbuch sind vollständig gefüllt.",
    gaps: (n: number) => `Lücken (erscheinen in Vorlagen und im Notfallhandbuch als [[…]]): ${n}`,
    inTemplates: (list: string) => `in Vorlagen: ${list}`,
    inHandbook: "im Notfallhandbuch",
    noPlan: "Rollen im Notfall: kein Notfallplan (roles: fehlt) – im Notfall übernehmen die Anwesenden die Rollen im Chat.",
    plan: "Rollen im Notfall (der Bot fragt in dieser Reihenfolge):",
    confirm: (role: string, within: string) => `  ${role} – bestätigen binnen ${within}`,
    deputy: " (Vertretung)",
    noPhone: "keine Telefonnummer",
    noChat: "ohne Chat-Kennung",
    notInPlan: (roles: string) => `  Nicht im Plan (wird im Chat übernommen): ${roles}`,
  },
  en: {
    names: en,
    kind: { praxis: "medical practice", kmu: "company (SME)" } as Record<NonNullable<OrgConfig["kind"]>, string>,
    ok: (file: string) => `${file}: all good.`,
    notDone: (file: string, n: number) => `${file}: valid, but not finished yet (${n === 1 ? "1 warning" : `${n} warnings`}):`,
    org: "Organisation:       ",
    orgGap: "[[Name of the practice / company]]",
    emergency: "IT emergency number:",
    emergencyGap: "[[Internal IT emergency number]]",
    contacts: "Contacts:           ",
    withPhone: (n: number) => `${n} with a phone number`,
    it: "IT provider:        ",
    recovery: "Recovery order:",
    noSystems: "  (no systems entered – add the systems: section)",
    system: (i: number, name: string, rto: string, rpo: string, prio: number) =>
      `  ${i}. ${name} – RTO ${rto}, RPO ${rpo} (priority ${prio})`,
    open: "not set",
    clocks: "Deadlines in an emergency:",
    gdpr: "  GDPR: always applies as soon as personal data could be affected.",
    nis2On: "  NIS2: applies (nis2: true), reports to the BSI.",
    nis2Off: "  NIS2: does not apply (nis2: false or not set). If in doubt, use the BSI's self-assessment.",
    insurerOn: (hotline: string | undefined) => `  Insurer: applies${hotline ? `, hotline ${hotline}` : ""}.`,
    insurerOff: "  Insurer: none entered (if you have one: add the insurer: section).",
    noGaps: "No gaps: templates and the emergency handbook are completely filled in.",
    gaps: (n: number) => `Gaps (shown in templates and in the emergency handbook as [[…]]): ${n}`,
    inTemplates: (list: string) => `in templates: ${list}`,
    inHandbook: "in the emergency handbook",
    noPlan: "Roles in an emergency: no emergency plan (roles: missing) – in an emergency the people present take the roles in the chat.",
    plan: "Roles in an emergency (the bot asks in this order):",
    confirm: (role: string, within: string) => `  ${role} – confirm within ${within}`,
    deputy: " (deputy)",
    noPhone: "no phone number",
    noChat: "no chat identity",
    notInPlan: (roles: string) => `  Not in the plan (taken in the chat): ${roles}`,
  },
};

/** Recovery order: by priority, then in file order. */
export function systemsInOrder(cfg: OrgConfig | undefined): NonNullable<OrgConfig["systems"]> {
  return (cfg?.systems ?? [])
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.priority - b.s.priority || a.i - b.i)
    .map(({ s }) => s);
}

/**
 * The short German summary `notfallbot check-config` prints for a valid file: the warnings first (example data, no IT
 * hotline), then who, how many contacts, systems in recovery order with RTO/RPO, which legal clocks run, and the
 * gaps that would show as `[[…]]`.
 */
export function configSummary(
  cfg: OrgConfig,
  playbooks: readonly Playbook[],
  file: string,
  warnings: readonly ConfigIssue[] = [],
  locale: "de" | "en" = "de",
): string {
  const w = WORDS[locale];
  const out: string[] =
    warnings.length === 0
      ? [w.ok(file), ""]
      : [w.notDone(file, warnings.length), ...warnings.map((x) => `⚠️  ${formatConfigIssue(x, locale)}`), ""];
  out.push(`${w.org} ${cfg.name ?? w.orgGap}${cfg.kind ? ` · ${w.kind[cfg.kind]}` : ""}`);
  out.push(`${w.emergency} ${cfg.emergency_phone ?? w.emergencyGap}`);
  const contacts = cfg.contacts ?? [];
  const withPhone = contacts.filter((c) => c.phone || c.phone_alt).length;
  out.push(`${w.contacts} ${contacts.length}${contacts.length ? ` (${w.withPhone(withPhone)})` : ""}`);
  if (cfg.it?.name || cfg.it?.hotline) {
    out.push(`${w.it} ${[cfg.it.name, cfg.it.hotline, cfg.it.hours].filter(Boolean).join(" · ")}`);
  }

  out.push("", ...roleTable(cfg, locale));

  const systems = systemsInOrder(cfg);
  out.push("", w.recovery);
  if (systems.length === 0) out.push(w.noSystems);
  systems.forEach((s, i) => {
    out.push(w.system(i + 1, s.name, s.rto ?? w.open, s.rpo ?? w.open, s.priority));
  });

  out.push("", w.clocks);
  const clocks = legalClocks(playbooks, cfg, locale);
  const line = (c: (typeof clocks)[number]) => {
    const to = c.audience === "datenschutzbehoerde" && cfg.authority?.name ? ` → ${cfg.authority.name}` : "";
    return `    - ${c.title}: ${c.period} ${c.start}${to}`;
  };
  const dsgvo = clocks.filter((c) => c.when === "always");
  const nis2 = clocks.filter((c) => c.when === "nis2");
  const insurer = clocks.filter((c) => c.when === "insurer");
  out.push(w.gdpr, ...dsgvo.map(line));
  if (cfg.nis2) out.push(w.nis2On, ...nis2.map(line));
  else out.push(w.nis2Off);
  if (cfg.insurer?.hotline || cfg.insurer?.name) {
    out.push(w.insurerOn(cfg.insurer.hotline), ...insurer.map(line));
  } else out.push(w.insurerOff);

  const gaps = configGaps(cfg, playbooks, locale);
  out.push("");
  if (gaps.length === 0) out.push(w.noGaps);
  else {
    out.push(w.gaps(gaps.length));
    for (const g of gaps) {
      const where = g.templates.length ? w.inTemplates(g.templates.join(", ")) : w.inHandbook;
      out.push(`  - [[${g.label}]]  → ${g.field} (${where})`);
    }
  }
  return out.join("\n");
}

/**
 * The role table as check-config prints it: per role the people in the order the bot asks them, with phone numbers
 * and the chats they can be mentioned in, and how long each has to confirm.
 */
export function roleTable(cfg: OrgConfig, locale: "de" | "en" = "de"): string[] {
  const w = WORDS[locale];
  const plan = rolePlan(cfg);
  if (plan.length === 0) return [w.noPlan];
  const out = [w.plan];
  for (const r of plan) {
    out.push(w.confirm(w.names.roleName[r.role], r.confirmWithin));
    r.people.forEach((p, i) => {
      const chats = identityLabels(p);
      out.push(
        `    ${i === 0 ? "1." : `${i + 1}.`} ${p.name}${i > 0 ? w.deputy : ""} · ${phonesOf(p) ?? w.noPhone} · ${chats.length ? chats.join(", ") : w.noChat}`,
      );
    });
  }
  const missing = (["koordinator", "technik", "kommunikation"] as const).filter((r) => !plan.some((x) => x.role === r));
  if (missing.length) out.push(w.notInPlan(missing.map((r) => w.names.roleName[r]).join(", ")));
  return out;
}
