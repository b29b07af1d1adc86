import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { verifyChain } from "../../src/core/chain.ts";
import { CoreBot, person, seen } from "./_bot.ts";

/**
 * The timeline is hash-chained so that an export proves nothing was altered. Tamper with the SQLite file
 * directly (as someone with access to the server could) and check that the chain names the first bad entry
 * and that `/notfall export` says the chain is broken.
 */

const anna = person("anna", "Anna");
const ben = person("ben", "Ben");

let b: CoreBot | undefined;
afterEach(async () => {
  await b?.stop();
  b = undefined;
});

/** A small incident: roles, a task, a note, an answer. Returns the number of timeline entries. */
async function smallIncident(locale?: "de" | "en"): Promise<number> {
  b = await CoreBot.start(locale);
  await b.open(anna, "verschlüsselung Server zeigt Erpressernachricht");
  await b.send(anna, "rolle koordinator");
  await b.send(anna, "rolle technik <@ben>", { mentions: [ben] });
  const task = (await b.tasks()).find((t) => t.role === "technik")!;
  await b.send(ben, `ok ${task.nr}`);
  await b.send(ben, `erledigt ${task.nr}`);
  await b.send(anna, "notiz Server um 9:10 vom Netz genommen");
  await b.send(ben, "Backup-Platte ist abgezogen");
  const v = verifyChain(await b.timeline());
  expect(v.ok).toBe(true);
  expect(v.entries).toBeGreaterThanOrEqual(6);
  return v.entries;
}

/** Raw write access to the same database file. */
function raw<T>(fn: (db: Database.Database, id: string) => T): T {
  const db = new Database(b!.dbPath);
  try {
    return fn(db, b!.incidentId!);
  } finally {
    db.close();
  }
}

async function expectBrokenAt(firstBad: number, problem: RegExp): Promise<void> {
  const v = verifyChain(await b!.timeline());
  expect(v.ok).toBe(false);
  if (v.ok) return;
  expect(v.firstBad).toBe(firstBad);
  expect(v.problem).toMatch(problem);
  expect(v.problem).toContain(`Eintrag ${firstBad}`);
  // the export, asked for in chat, tells the people that the chain is broken
  const out = await b!.send(anna, "export");
  const msg = out.find((m) => /Export erstellt/.test(m.text));
  expect(msg, out.map((m) => m.text).join("\n---\n")).toBeDefined();
  expect(seen(msg!)).toMatch(/Prüfkette gebrochen/);
  expect(seen(msg!)).not.toMatch(/Prüfkette in Ordnung/);
  // and so do the export files
  const md = b!.exported.get(`${b!.incidentId}.md`)!;
  expect(md).toMatch(new RegExp(`GEBROCHEN ab Eintrag ${firstBad}`));
  const json = JSON.parse(b!.exported.get(`${b!.incidentId}.json`)!) as { verification: { ok: boolean; firstBad: number } };
  expect(json.verification).toMatchObject({ ok: false, firstBad });
}

describe("tampering with the timeline in the database", () => {
  it("untouched: the chain is valid and the export says so", async () => {
    const n = await smallIncident();
    const out = await b!.send(anna, "export");
    const msg = out.find((m) => /Export erstellt/.test(m.text))!;
    expect(seen(msg)).toMatch(/Prüfkette in Ordnung/);
    const v = verifyChain(await b!.timeline());
    expect(v).toMatchObject({ ok: true, entries: n + 1 });
  });

  it("altered text of an entry", async () => {
    await smallIncident();
    const seq = raw((db, id) => {
      const row = db.prepare("select seq from timeline where incident_id = ? and kind = 'note'").get(id) as { seq: number };
      db.prepare("update timeline set text = 'Server erst um 11:00 vom Netz genommen' where incident_id = ? and seq = ?").run(id, row.seq);
      return row.seq;
    });
    expect(seq).toBeGreaterThan(1);
    await expectBrokenAt(seq, /Inhalt wurde verändert/);
  });

  it("altered actor of an entry", async () => {
    await smallIncident();
    raw((db, id) => db.prepare("update timeline set actor_name = 'Cem' where incident_id = ? and seq = 3").run(id));
    await expectBrokenAt(3, /Inhalt wurde verändert/);
  });

  it("deleted entry", async () => {
    const n = await smallIncident();
    const gone = 4;
    raw((db, id) => db.prepare("delete from timeline where incident_id = ? and seq = ?").run(id, gone));
    expect((await b!.timeline()).length).toBe(n - 1);
    await expectBrokenAt(gone, /gelöscht oder umsortiert/);
  });

  it("two entries swapped (sequence numbers exchanged)", async () => {
    await smallIncident();
    raw((db, id) => {
      const swap = db.transaction(() => {
        db.prepare("update timeline set seq = -1 where incident_id = ? and seq = 3").run(id);
        db.prepare("update timeline set seq = 3 where incident_id = ? and seq = 5").run(id);
        db.prepare("update timeline set seq = 5 where incident_id = ? and seq = -1").run(id);
      });
      swap();
    });
    await expectBrokenAt(3, /Vorgänger/);
  });

  it("altered hash of an entry", async () => {
    await smallIncident();
    raw((db, id) => db.prepare("update timeline set hash = ? where incident_id = ? and seq = 2").run("f".repeat(64), id));
    await expectBrokenAt(2, /Inhalt wurde verändert/);
  });

  it("a whole entry rewritten with a fresh hash still breaks the link to its successor", async () => {
    await smallIncident();
    const { hashEntry } = await import("../../src/core/chain.ts");
    const e = (await b!.timeline())[2]!;
    raw((db, id) => {
      const forged = { ...e, text: "Nichts passiert" };
      db.prepare("update timeline set text = ?, hash = ? where incident_id = ? and seq = ?").run(forged.text, hashEntry(forged), id, e.seq);
    });
    await expectBrokenAt(4, /Vorgänger/);
  });

  it("under an English deployment the export says in English what is wrong (German unchanged)", async () => {
    await smallIncident("en");
    const untouched = await b!.timeline();
    expect(
      verifyChain(
        untouched.filter((e) => e.seq !== 4),
        "en",
      ),
    ).toMatchObject({
      ok: false,
      firstBad: 4,
      problem: "entry 4: number 5 instead of 4 (deleted or reordered)",
    });
    raw((db, id) => db.prepare("update timeline set actor_name = 'Cem' where incident_id = ? and seq = 3").run(id));
    const timeline = await b!.timeline();
    expect(verifyChain(timeline, "en")).toMatchObject({ ok: false, firstBad: 3, problem: "entry 3: the content was changed" });
    expect(verifyChain(timeline)).toMatchObject({ ok: false, firstBad: 3, problem: "Eintrag 3: Inhalt wurde verändert" });
    await b!.send(anna, "export");
    const md = b!.exported.get(`${b!.incidentId}.md`)!;
    expect(md).toContain("BROKEN from entry 3: entry 3: the content was changed.");
    expect(md).not.toMatch(/Eintrag|Inhalt/);
  });
});
