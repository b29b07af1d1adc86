import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeClock } from "../../src/core/clock.ts";
import type { AdapterHarness, SeenMessage } from "./harness.ts";

const norm = (s: string) => s.replace(/\s+/g, " ");
const find = (msgs: SeenMessage[], re: RegExp) => msgs.filter((m) => re.test(norm(m.text)));

/**
 * The emergency plan's roles through a platform's real SDK (#19): an organisation file names primary and deputies per
 * role with each person's id on this platform (Dora has none: she is not in the chat). Anna declares; the three
 * holders are mentioned the platform's own way and confirm with a tap or `ok rolle`; Ben stays silent, so after the
 * configured time (fake clock) the role passes to Dora (shown with her phone number) and then to Cem, and Anna, the
 * coordinator, is told whom nobody reached and their number; Ben takes the role back; Anna hands over the
 * coordination with a reason.
 */
export function rolesSuite(makeHarness: () => AdapterHarness): void {
  const h = makeHarness();
  const clock = new FakeClock("2026-03-02T08:00:00Z");
  let seen = 0;
  /** Messages since the last call. */
  const fresh = async () => {
    const all = await h.messages();
    const out = all.slice(seen);
    seen = all.length;
    return out;
  };
  const confirm = async (person: string, command = "ok rolle") => {
    if (h.has.buttons) await h.press(person, command);
    else await h.reply(person, command);
    await h.settle();
  };

  describe(`roles from the emergency plan: ${h.name}`, () => {
    beforeAll(async () => {
      h.configure((id, chat) => ({
        name: "Praxis Test",
        contacts: [
          { name: "Anna Arzt", phone: "+49 170 1111111", chat: { [chat]: [id("anna")] } },
          { name: "Ben Berg", phone: "+49 171 2222222", chat: { [chat]: [id("ben")] } },
          { name: "Cem Celik", phone: "+49 173 4444444", chat: { [chat]: [id("cem")] } },
          { name: "Dora Dorn", role: "Technikerin des IT-Dienstleisters", phone: "+49 172 3333333" },
        ],
        roles: {
          koordinator: { primary: "Anna Arzt", deputies: ["Cem Celik"] },
          technik: { primary: "Ben Berg", deputies: ["Dora Dorn", "Cem Celik"], confirm_within: "5 min" },
          kommunikation: { primary: "Cem Celik", deputies: ["Anna Arzt"], confirm_within: "10 min" },
        },
      }));
      await h.start(clock);
    });
    afterAll(async () => {
      await h.stop();
    });

    it("a declaration with a plan names the three holders in its first message and mentions them the platform's way", async () => {
      await h.command("anna", "verschlüsselung Server zeigt Erpressernachricht");
      await h.settle();
      const msgs = await fresh();
      const header = find(msgs, /NF-2026-0001/)[0]!;

      expect(norm(header.text)).toMatch(/Koordination: .+ – angefragt/);
      expect(norm(header.text)).toMatch(/Technik: .+ – angefragt/);
      expect(norm(header.text)).toMatch(/Kommunikation: .+ – angefragt/);
      expect(norm(header.text)).not.toMatch(/noch niemand/);
      expect(header.mentioned.sort()).toEqual(["anna", "ben", "cem"]);
      if (h.has.buttons) expect(header.buttons).toContain("ok rolle");
      else expect(norm(header.text)).toMatch(/ok rolle/);
    });

    it("holders confirm with one tap or `ok rolle`; nobody types `rolle`", async () => {
      await confirm("anna");
      await h.reply("cem", "ok rolle");
      await h.settle();
      const msgs = await fresh();
      expect(find(msgs, /✅ .+ bestätigt: IT-Notfall-Koordination/).length).toBe(1);
      expect(find(msgs, /✅ .+ bestätigt: Kommunikation nach außen/).length).toBe(1);
    });

    it("an unconfirmed role moves to the deputy after the configured time; a deputy without chat identity is shown with the phone number; the coordinator is told", async () => {
      await clock.advance(4 * 60_000);
      await h.settle();
      expect(find(await fresh(), /hat nicht binnen/).length).toBe(0);
      await clock.advance(60_000 + 1000);
      await h.settle();
      const msgs = await fresh();
      const moved = find(msgs, /Technischer Kontakt: Ben Berg hat nicht binnen 5 min bestätigt/);
      expect(moved.length).toBe(1);
      expect(norm(moved[0]!.text)).toMatch(/Vertretung: Dora Dorn \(nicht im Chat, bitte anrufen: 📞 \+49 172 3333333\)/);
      expect(norm(moved[0]!.text)).toMatch(/Ben Berg nicht erreicht – bitte anrufen: 📞 \+49 171 2222222/);
      expect(moved[0]!.mentioned).toEqual(["anna"]);
      // Dora is not in the chat: the coordinator's button (or `ok rolle technik`) enters her after a call
      if (h.has.buttons) expect(moved[0]!.buttons).toEqual(["ok rolle technik"]);
      else expect(norm(moved[0]!.text)).toMatch(/trägt die Koordination die Person ein: ok rolle technik/);
    });

    it("after the next wait the role passes on to the next deputy, mentioned and asked the same way", async () => {
      await clock.advance(5 * 60_000 + 1000);
      await h.settle();
      const msgs = await fresh();
      const moved = find(msgs, /Technischer Kontakt: Dora Dorn hat nicht binnen 5 min bestätigt/);
      expect(moved.length).toBe(1);
      expect(norm(moved[0]!.text)).toMatch(/Dora Dorn nicht erreicht – bitte anrufen: 📞 \+49 172 3333333/);
      expect(moved[0]!.mentioned.sort()).toEqual(["anna", "cem"]);
      if (h.has.buttons) expect(moved[0]!.buttons).toContain("ok rolle technik");
      await confirm("cem", h.has.buttons ? "ok rolle technik" : "ok rolle");
      expect(find(await fresh(), /✅ .+ bestätigt: Technischer Kontakt \(nach 10 min\)/).length).toBe(1);
    });

    it("the primary takes the role back later", async () => {
      await h.reply("ben", "ok rolle");
      await h.settle();
      expect(find(await fresh(), /↩️ .+ übernimmt die Rolle Technischer Kontakt wieder/).length).toBe(1);
    });

    it("hands the coordination over with a reason; the new holder is mentioned", async () => {
      await h.reply("anna", `rolle koordinator übergeben ${h.mention("cem")} Schichtwechsel`);
      await h.settle();
      const msgs = await fresh();
      const handed = find(msgs, /🔁 IT-Notfall-Koordination übergeben: .+ → .+\. Grund: Schichtwechsel/);
      expect(handed.length).toBe(1);
      expect(handed[0]!.mentioned).toEqual(["cem"]);
    });
  });
}

/**
 * A holder of the plan who has a chat identity on this platform but is not a member of the channel (#19: "People who
 * are not in the chat (no identity there, or not a member of the channel) are shown with their phone number instead
 * of being mentioned"): a mention would not reach Ben there, so the first message shows his name and number, and
 * only Anna and Cem are mentioned; when Ben stays silent, the role passes to Cem on time, mentioned.
 */
export function membershipSuite(makeHarness: () => AdapterHarness): void {
  const h = makeHarness();
  const clock = new FakeClock("2026-03-02T08:00:00Z");

  describe(`roles from the emergency plan, a holder not in the channel: ${h.name}`, () => {
    beforeAll(async () => {
      h.configure((id, chat) => ({
        name: "Praxis Test",
        contacts: [
          { name: "Anna Arzt", phone: "+49 170 1111111", chat: { [chat]: [id("anna")] } },
          { name: "Ben Berg", phone: "+49 171 2222222", chat: { [chat]: [id("ben")] } },
          { name: "Cem Celik", phone: "+49 173 4444444", chat: { [chat]: [id("cem")] } },
        ],
        roles: {
          koordinator: { primary: "Anna Arzt" },
          technik: { primary: "Ben Berg", deputies: ["Cem Celik"], confirm_within: "5 min" },
          kommunikation: { primary: "Cem Celik" },
        },
      }));
      await h.start(clock);
      await h.leave!("ben");
    });
    afterAll(async () => {
      await h.stop();
    });

    it("the first message shows the holder who is not in the channel with the phone number instead of a mention", async () => {
      await h.command("anna", "verschlüsselung Server zeigt Erpressernachricht");
      await h.settle();
      const header = find(await h.messages(), /NF-2026-0001/)[0]!;
      expect(norm(header.text)).toMatch(/Technik: Ben Berg \(nicht im Chat, bitte anrufen: 📞 \+49 171 2222222\) – angefragt/);
      expect(norm(header.text)).toMatch(/Koordination: .+ – angefragt/);
      expect(header.mentioned.sort()).toEqual(["anna", "cem"]);
    });

    it("he stays silent: the role passes to the deputy on time, who is mentioned", async () => {
      await clock.advance(5 * 60_000 + 1000);
      await h.settle();
      const moved = find(await h.messages(), /Technischer Kontakt: Ben Berg hat nicht binnen 5 min bestätigt/);
      expect(moved.length).toBe(1);
      expect(norm(moved[0]!.text)).toMatch(/Ben Berg nicht erreicht – bitte anrufen: 📞 \+49 171 2222222/);
      expect(moved[0]!.mentioned.sort()).toEqual(["anna", "cem"]);
    });
  });
}
