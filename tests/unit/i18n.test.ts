import { describe, expect, it } from "vitest";
import { type Catalog, de } from "../../src/core/i18n/de.ts";
import { en } from "../../src/core/i18n/en.ts";
import { parseCommand } from "../../src/core/parser.ts";
import { loadPlaybooks } from "../../src/machines/loader.ts";

type Leaf = { path: string; value: unknown };

/** Every leaf (string or function) of a catalogue, with its dotted path. */
function leaves(obj: unknown, prefix = ""): Leaf[] {
  if (obj !== null && typeof obj === "object" && !Array.isArray(obj)) {
    return Object.entries(obj).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
  }
  return [{ path: prefix, value: obj }];
}

/** Sample argument lists per function; several lists cover the branches (drill on/off, singular/plural, optional args). */
const SAMPLES: Record<string, unknown[][]> = {
  headerTitle: [
    ["N-2026-001", "Encryption", true],
    ["N-2026-001", "Encryption", false],
  ],
  tasksTitle: [
    ["Phase", "Role", "Anna"],
    ["Phase", "Role", undefined],
  ],
  stateBy: [["done", "Anna"]],
  templateGaps: [[["[[count]]", "[[date]]"]]],
  phaseEntered: [["Recovery"]],
  phaseOverride: [["Provider is on site"]],
  roleAssigned: [["Anna", "Coordinator", "keeps the overview"]],
  roleReleased: [["Coordinator"]],
  roleOpenTasks: [[1], [4]],
  rolesReminder: [[["Technical", "Communication"]]],
  taskChanged: [[3, "Unplug the server", "done", "Anna"]],
  taskOverdue: [[3, "Unplug the server", "Anna"]],
  answerRecorded: [["2", "Patient data affected?", "yes"]],
  awarenessSet: [["02.03.2026 08:30"]],
  deadlineStarted: [
    ["GDPR report", "05.03.2026 08:30", "Art. 33 GDPR"],
    ["GDPR report", undefined, "Art. 34 GDPR"],
  ],
  deadlineReminder: [["GDPR report", "2 h", "05.03.2026 08:30", "Anna"]],
  deadlineUrgent: [["GDPR report", "Anna"]],
  deadlineMissed: [["GDPR report", "Anna"]],
  deadlineMet: [["GDPR report"]],
  deadlineHowto: [[7]],
  levelChanged: [["Emergency", "Crisis", "Management decides."]],
  levelUnchanged: [["Crisis"]],
  closedTitle: [["N-2026-001"]],
  "summary.exportHint": [["N-2026-001"]],
  exportDone: [
    ["report.pdf", true],
    ["report.pdf", false],
  ],
  statusTitle: [["N-2026-001"]],
  statusNextCritical: [[[1, 4]]],
  statusLeft: [["2 h"]],
  statusOverdue: [["15 min"]],
  help: [["`verschluesselung` (Encryption)"]],
  typesLine: [["verschluesselung", "Encryption"]],
  "menu.ask": [["server is slow"], [""]],
  "menu.none": [["xyz"], [""]],
  "menu.all": [["xyz"], [""]],
  "menu.other": [[4]],
  "diagram.question": [["personenbezogen", 6]],
  "menu.howToAnswer": [[4]],
  "menu.running": [["N-2026-001", "2 min", "neu verschluesselung server down"]],
  didYouMean: [["stauts", "status"]],
  "err.manyIncidents": [["N-1, N-2"]],
  "err.closed": [["N-2026-001"]],
  "err.roleUnknown": [
    ["boss", "koordinator"],
    ["boss", undefined],
  ],
  "err.roleTaken": [["Coordinator", "Anna"]],
  "err.roleAssignOthers": [
    ["Anna", "kommunikation"],
    ["Anna", undefined],
  ],
  "err.mentionUnknown": [["Bob"]],
  "err.taskNrMissing": [["erledigt"], ["ok"], ["überspringen"]],
  "err.taskUnknown": [[40, 12]],
  "err.taskInactive": [[5]],
  "err.taskNotYours": [[5, "Technical", "Ben"]],
  "err.taskRoleFree": [[5, "Technical", "role technical"]],
  "err.taskAlready": [[5, "done"]],
  "err.skipReason": [[5]],
  "err.answerUnknown": [["9"]],
  "err.answerYesNo": [["2"]],
  "err.answerTime": [["1"]],
  "err.onlyCoordinator": [["close", "Anna"]],
  "err.advanceBlocked": [["1, 2"]],
  "err.closeNotYet": [["Recovery"]],
  "err.closeBlocked": [["1, 2"]],
  "err.levelUnknown": [["huge"]],
  "err.templateUnknown": [["press", "`team`, `patients`"]],
  templateNotYet: [
    ["When people face a high risk.", "answer 7 yes"],
    ["When people face a high risk.", undefined],
  ],
  privacyManagement: [
    ["Erika Musterfrau", "+49 170 1234567"],
    [undefined, undefined],
  ],
  "err.alreadyOpen": [["N-2026-001"]],
  "err.handoverIncomplete": [
    ["technik", "@Petra"],
    ["technik", undefined],
  ],
  "err.deliveryFailed": [["Task 3 due", "rate_limited"]],
  "err.noRoleToConfirm": [
    [["Anna (Coordination)", "Ben (Technical)"], [], "ok role technical", undefined, "anna", "Anna"],
    [["Ben (Technical)"], ["role communication"], "ok role technical", "Anna"],
    [[], []],
  ],
  handbookDone: [["handbook.pdf"]],
};

/** For a function the lead added after this test was written: one string-like array fits strings, numbers, flags and lists. */
function fallbackArgs(fn: (...a: unknown[]) => unknown): unknown[][] {
  return [Array.from({ length: fn.length }, () => ["1", "2"])];
}

/** Every text a catalogue can produce, with the path it came from. */
function texts(cat: Catalog): { path: string; text: unknown }[] {
  return leaves(cat).flatMap(({ path, value }) => {
    if (typeof value !== "function") return [{ path, text: value }];
    const fn = value as (...a: unknown[]) => unknown;
    return (SAMPLES[path] ?? fallbackArgs(fn)).map((args) => ({ path: `${path}(${args.map(String).join(", ")})`, text: fn(...args) }));
  });
}

const dePaths = leaves(de).map((l) => l.path);
const enPaths = leaves(en).map((l) => l.path);

describe("i18n catalogues", () => {
  it("en has exactly the keys of de (deep)", () => {
    expect(enPaths.filter((p) => !dePaths.includes(p))).toEqual([]);
    expect(dePaths.filter((p) => !enPaths.includes(p))).toEqual([]);
    expect(dePaths.length).toBeGreaterThan(100);
  });

  it("each leaf has the same kind and functions take the same number of parameters", () => {
    const enByPath = new Map(leaves(en).map((l) => [l.path, l.value]));
    for (const { path, value } of leaves(de)) {
      const other = enByPath.get(path);
      expect(typeof other, path).toBe(typeof value);
      if (typeof value === "function") expect((other as (...a: unknown[]) => unknown).length, path).toBe(value.length);
    }
  });

  it("every sample path names a real function of de", () => {
    const fnPaths = leaves(de)
      .filter((l) => typeof l.value === "function")
      .map((l) => l.path);
    expect(Object.keys(SAMPLES).filter((p) => !fnPaths.includes(p))).toEqual([]);
  });

  for (const [name, cat] of [
    ["de", de],
    ["en", en],
  ] as const) {
    it(`${name}: every text and every function result is a non-empty string`, () => {
      for (const { path, text } of texts(cat)) {
        expect(typeof text, path).toBe("string");
        expect((text as string).trim().length, path).toBeGreaterThan(0);
        expect(text as string, path).not.toMatch(/undefined|\[object /);
      }
    });
  }

  it("en and de differ (en is a translation, not a copy)", () => {
    const deByPath = new Map(texts(de).map((t) => [t.path, t.text]));
    const same = texts(en).filter((t) => typeof t.text === "string" && deByPath.get(t.path) === t.text && !/^[\s\S]{0,3}$/.test(t.text));
    // Only texts without words may be equal (formats such as `${nr}. ${text}` or a bare name).
    for (const t of same) expect(t.text as string, t.path).not.toMatch(/[A-Za-zÄÖÜäöüß]{4,}\s+[A-Za-zÄÖÜäöüß]{4,}/);
    expect(en.levelName.notfall).toBe("Emergency");
    expect(en.roleName.koordinator).toBe("IT emergency coordinator");
  });

  it("en has no German words left outside `code`", () => {
    const denied = [
      " und ",
      " oder ",
      "Bitte",
      /\b(bitte|nicht|noch|schon|ist|sind|mit|der|das|Sie|wird|werden|eine?|jetzt|hier|Aufgabe|Aufgaben|Frist|Stufe|Rolle|erledigen|übernehmen|Nummer|Vorlage)\b/i,
      /[äöüÄÖÜß]/,
      /[„]/,
    ];
    for (const { path, text } of texts(en)) {
      const prose = (text as string).replace(/`[^`]*`/g, "`…`");
      for (const d of denied) {
        if (typeof d === "string") expect(prose, path).not.toContain(d);
        else expect(prose, path).not.toMatch(d);
      }
    }
  });

  it("en shows the English command words, and the parser understands every command en shows", () => {
    expect(en.roleCommand("koordinator")).toBe("role coordinator");
    expect(en.statusNextAdvance).toContain("`next`");
    expect(en.statusNextClose).toContain("`close`");
    expect(en.taskOverdue(3, "x", "Anna")).toContain("`done 3`");
    expect(en.taskHintText).toContain("`done <number>`");
    expect(en.help("x")).toContain("`escalate <level>`");
    const playbooks = loadPlaybooks().list();
    const shown = new Set<string>();
    for (const { text } of texts(en)) for (const m of (text as string).matchAll(/`([^`]+)`/g)) shown.add(m[1]!);
    const german = [...shown].filter((c) =>
      /^(\/notfall )?(rolle|erledigt|antwort|vorlage|weiter|abschließen|notiz|eskalieren|überspringen|hilfe|übung|handbuch|verschlüsselung)\b/.test(
        c,
      ),
    );
    expect(german).toEqual([]);
    // a command as shown, with the placeholders filled as a person would
    const typed = [...shown]
      .filter((c) => !/[|[…]/.test(c))
      .filter((c) =>
        /^(\/notfall )?(role|status|ok|done|skip|answer|template|note|escalate|next|close|export|handbook|help|drill|ransomware)\b/.test(c),
      )
      .map((c) =>
        c
          .replace(/^\/notfall\s*/, "")
          .replace("<type>", "ransomware")
          .replace("<role>", "technical")
          .replace("<level>", "crisis")
          .replace(/<number>|<Nr>/g, "3")
          .replace(/<answer>|<reason>|<text>/g, "yes")
          .replace("<name>", "police"),
      );
    expect(typed.length).toBeGreaterThan(20);
    for (const c of typed) {
      const cmd = parseCommand(c, playbooks, { mode: "command" });
      expect(cmd.kind, c).not.toBe("error");
      expect(cmd.kind, c).not.toBe("choose-type");
    }
    for (const c of ["role coordinator", "done 3", "skip 3 yes", "answer 3 yes", "template police", "escalate crisis", "next", "close"])
      expect(typed, c).toContain(c);
  });
});
