import { de } from "../core/i18n/de.ts";
import type { OrgConfig } from "../core/org.ts";
import { identityLabels, phonesOf, rolePlan } from "../core/role-plan.ts";
import type { Playbook } from "../machines/schema.ts";
import { legalClocks } from "./clocks.ts";
import { configGaps } from "./gaps.ts";
import { formatConfigIssue } from "./load.ts";
import type { ConfigIssue } from "./messages.ts";

const KIND_NAMES: Record<NonNullable<OrgConfig["kind"]>, string> = { praxis: "Praxis", kmu: "Firma (KMU)" };

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
export function configSummary(cfg: OrgConfig, playbooks: readonly Playbook[], file: string, warnings: readonly ConfigIssue[] = []): string {
  const out: string[] =
    warnings.length === 0
      ? [`${file}: in Ordnung.`, ""]
      : [
          `${file}: gültig, aber noch nicht fertig (${warnings.length === 1 ? "1 Warnung" : `${warnings.length} Warnungen`}):`,
          ...warnings.map((w) => `⚠️  ${formatConfigIssue(w)}`),
          "",
        ];
  out.push(`Organisation:     ${cfg.name ?? "[[Name der Praxis / Firma]]"}${cfg.kind ? ` · ${KIND_NAMES[cfg.kind]}` : ""}`);
  out.push(`IT-Notfallnummer: ${cfg.emergency_phone ?? "[[Interne IT-Notfallnummer]]"}`);
  const contacts = cfg.contacts ?? [];
  const withPhone = contacts.filter((c) => c.phone || c.phone_alt).length;
  out.push(`Kontakte:         ${contacts.length}${contacts.length ? ` (${withPhone} mit Telefonnummer)` : ""}`);
  if (cfg.it?.name || cfg.it?.hotline) {
    out.push(`IT-Dienstleister: ${[cfg.it.name, cfg.it.hotline, cfg.it.hours].filter(Boolean).join(" · ")}`);
  }

  out.push("", ...roleTable(cfg));

  const systems = systemsInOrder(cfg);
  out.push("", "Wiederanlauf-Reihenfolge:");
  if (systems.length === 0) out.push("  (keine Systeme eingetragen – Abschnitt systems: ergänzen)");
  systems.forEach((s, i) => {
    out.push(`  ${i + 1}. ${s.name} – RTO ${s.rto ?? "offen"}, RPO ${s.rpo ?? "offen"} (Priorität ${s.priority})`);
  });

  out.push("", "Fristen im Notfall:");
  const clocks = legalClocks(playbooks, cfg);
  const line = (c: (typeof clocks)[number]) => {
    const to = c.audience === "datenschutzbehoerde" && cfg.authority?.name ? ` → ${cfg.authority.name}` : "";
    return `    - ${c.title}: ${c.period} ${c.start}${to}`;
  };
  const dsgvo = clocks.filter((c) => c.why === "immer");
  const nis2 = clocks.filter((c) => c.why.startsWith("nis2"));
  const insurer = clocks.filter((c) => c.why.includes("Versicherung"));
  out.push("  DSGVO: gilt immer, sobald personenbezogene Daten betroffen sein könnten.", ...dsgvo.map(line));
  if (cfg.nis2) out.push("  NIS2: gilt (nis2: true), Meldungen an das BSI.", ...nis2.map(line));
  else out.push("  NIS2: gilt nicht (nis2: false oder nicht gesetzt). Im Zweifel die Betroffenheitsprüfung des BSI machen.");
  if (cfg.insurer?.hotline || cfg.insurer?.name) {
    out.push(`  Versicherung: gilt${cfg.insurer.hotline ? `, Hotline ${cfg.insurer.hotline}` : ""}.`, ...insurer.map(line));
  } else out.push("  Versicherung: keine eingetragen (falls vorhanden: Abschnitt insurer: ergänzen).");

  const gaps = configGaps(cfg, playbooks);
  out.push("");
  if (gaps.length === 0) out.push("Keine Lücken: Vorlagen und Notfallhandbuch sind vollständig gefüllt.");
  else {
    out.push(`Lücken (erscheinen in Vorlagen und im Notfallhandbuch als [[…]]): ${gaps.length}`);
    for (const g of gaps) {
      const where = g.templates.length ? `in Vorlagen: ${g.templates.join(", ")}` : "im Notfallhandbuch";
      out.push(`  - [[${g.label}]]  → ${g.field} (${where})`);
    }
  }
  return out.join("\n");
}

/**
 * The role table as check-config prints it: per role the people in the order the bot asks them, with phone numbers
 * and the chats they can be mentioned in, and how long each has to confirm.
 */
export function roleTable(cfg: OrgConfig): string[] {
  const plan = rolePlan(cfg);
  if (plan.length === 0)
    return ["Rollen im Notfall: kein Notfallplan (roles: fehlt) – im Notfall übernehmen die Anwesenden die Rollen im Chat."];
  const out = ["Rollen im Notfall (der Bot fragt in dieser Reihenfolge):"];
  for (const r of plan) {
    out.push(`  ${de.roleName[r.role]} – bestätigen binnen ${r.confirmWithin}`);
    r.people.forEach((p, i) => {
      const chats = identityLabels(p);
      out.push(
        `    ${i === 0 ? "1." : `${i + 1}.`} ${p.name}${i > 0 ? " (Vertretung)" : ""} · ${phonesOf(p) ?? "keine Telefonnummer"} · ${chats.length ? chats.join(", ") : "ohne Chat-Kennung"}`,
      );
    });
  }
  const missing = (["koordinator", "technik", "kommunikation"] as const).filter((r) => !plan.some((x) => x.role === r));
  if (missing.length) out.push(`  Nicht im Plan (wird im Chat übernommen): ${missing.map((r) => de.roleName[r]).join(", ")}`);
  return out;
}
