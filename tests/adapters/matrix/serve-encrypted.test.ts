/**
 * `notfallbot serve` in an end-to-end encrypted room, as an administrator runs it (MATRIX_USER_ID/MATRIX_PASSWORD,
 * MATRIX_CRYPTO_SECRET, MATRIX_RECOVERY_KEY), killed with SIGKILL mid-incident and started again: it reads and
 * answers the next encrypted message, keeps its one device with the same keys, and is cross-signed with its keys in
 * secret storage. Anna and Ben use encrypting clients in their own processes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newRecoveryKey } from "../../../src/adapters/matrix/recovery-key.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { synapse } from "./context.ts";
import { CryptoPerson, type SeenCryptoEvent } from "./crypto-person.ts";
import { registerUser, type TestUser } from "./synapse.ts";

const T = 120_000;
const BIN = resolve(import.meta.dirname, "../../../bin/notfallbot.mjs");
const SECRET = "kR7t1x0pQ2vW8nB5mZ3cL6yH9dF4gJ1s";

describe("notfallbot serve in an encrypted room, killed and restarted", () => {
  const hs = synapse();
  const tmp = tempDir("notfallbot-serve-e2ee-");
  const recoveryKey = newRecoveryKey();
  let bot: TestUser;
  let anna: CryptoPerson;
  let ben: CryptoPerson;
  let proc: ChildProcess | undefined;
  let output = "";
  let room = "";
  let declared = "";

  /** Start the real CLI; resolves when it reports READY (Matrix synced). */
  async function startBot(secret = SECRET, rk = recoveryKey): Promise<ChildProcess> {
    const p = spawnBot(secret, rk);
    await new Promise<void>((res, rej) => {
      let out = "";
      const timer = setTimeout(() => rej(new Error(`serve not ready:\n${output}`)), 60_000);
      p.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (/READY \d+/.test(out)) {
          clearTimeout(timer);
          res();
        }
      });
      p.once("exit", (code, signal) => rej(new Error(`serve exited (${code ?? signal}):\n${output}`)));
    });
    return p;
  }

  function spawnBot(secret: string, rk = recoveryKey): ChildProcess {
    const p = spawn(process.execPath, [BIN, "serve", "--port", "0"], {
      cwd: tmp.dir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NOTFALL_DB: join(tmp.dir, "notfall.db"),
        MATRIX_HOMESERVER_URL: hs.url,
        MATRIX_USER_ID: bot.userId,
        MATRIX_PASSWORD: bot.password,
        MATRIX_CRYPTO_SECRET: secret,
        MATRIX_RECOVERY_KEY: rk,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    p.stderr!.on("data", (d: Buffer) => {
      output += d.toString();
    });
    return p;
  }

  async function kill9(p: ChildProcess): Promise<void> {
    const gone = new Promise<void>((r) => p.once("exit", () => r()));
    p.kill("SIGKILL");
    await gone;
  }

  const botIn = (pred: (e: SeenCryptoEvent) => boolean) => (e: SeenCryptoEvent) =>
    e.roomId === room && e.sender === bot.userId && e.type === "m.room.message" && pred(e);
  const inThread = (e: SeenCryptoEvent) => (e.content["m.relates_to"] as { event_id?: string } | undefined)?.event_id === declared;
  const says = (re: RegExp) => botIn((e) => inThread(e) && re.test(String(e.content.body).replace(/\s+/g, " ")));

  /** The bot account's devices as the client-server API lists them (GET /devices with the registration login). */
  async function botDevices(): Promise<string[]> {
    const res = await fetch(`${hs.url}/_matrix/client/v3/devices`, { headers: { authorization: `Bearer ${bot.accessToken}` } });
    const body = (await res.json()) as { devices: { device_id: string }[] };
    return body.devices.map((d) => d.device_id).sort();
  }

  async function accountData(type: string): Promise<Record<string, unknown> | undefined> {
    const res = await fetch(`${hs.url}/_matrix/client/v3/user/${encodeURIComponent(bot.userId)}/account_data/${encodeURIComponent(type)}`, {
      headers: { authorization: `Bearer ${bot.accessToken}` },
    });
    return res.ok ? ((await res.json()) as Record<string, unknown>) : undefined;
  }

  beforeAll(async () => {
    bot = await registerUser(hs.url, hs.sharedSecret, "nfbot-serve-e2ee", { displayName: "Notfallbot" });
    const [a, b] = await Promise.all([registerUser(hs.url, hs.sharedSecret, "anna"), registerUser(hs.url, hs.sharedSecret, "ben")]);
    [anna, ben] = await Promise.all([CryptoPerson.connect(hs.url, a), CryptoPerson.connect(hs.url, b)]);
    proc = await startBot();
  }, T);

  afterAll(async () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    anna?.stop();
    ben?.stop();
    tmp.cleanup();
  });

  it(
    "runs an incident in an encrypted room: joins, reads the declaration, answers encrypted in the thread",
    async () => {
      room = await anna.createRoom({ name: "IT-Notfall", invite: [bot.userId, ben.id], encrypted: true });
      await ben.join(room);
      await anna.waitForMembership(room, bot.userId, "join");
      declared = await anna.say(room, "!notfall verschlüsselung Server zeigt Erpressernachricht");
      const first = await anna.waitFor(botIn(inThread), "first bot message in the thread", 30_000);
      expect(first.wireType).toBe("m.room.encrypted");
      expect(first.decryptionFailure).toBe(false);
      expect(first.content.msgtype).toBe("m.notice");
      await anna.replyInThread(room, declared, "rolle koordinator");
      await ben.replyInThread(room, declared, "rolle technik");
      await anna.waitFor(says(/ben\S* ist jetzt Technischer Kontakt/i), "role confirmed", 30_000);
      expect(output).not.toContain(bot.password);
      expect(output).not.toContain(SECRET);
      expect(output).not.toContain(recoveryKey);
    },
    T,
  );

  it(
    "is cross-signed (Element shows the device as verified by its owner) with its keys in secret storage",
    async () => {
      expect(await anna.deviceStatus(bot.userId, "NOTFALLBOT")).toMatchObject({ signedByOwner: true });
      expect(await accountData("m.secret_storage.default_key")).toMatchObject({ key: expect.any(String) });
      const master = await accountData("m.cross_signing.master");
      expect(master?.encrypted).toBeTruthy();
    },
    T,
  );

  it(
    "is killed with SIGKILL mid-incident, restarted, and reads and answers the next encrypted message",
    async () => {
      const devicesBefore = await botDevices();
      const keysBefore = await anna.devicesOf(bot.userId);
      expect(Object.keys(keysBefore)).toEqual(["NOTFALLBOT"]);
      // kill while a message is on its way
      const during = await ben.replyInThread(room, declared, "ok 1");
      await kill9(proc!);
      const meanwhile = await anna.replyInThread(room, declared, "status");
      const t0 = Date.now();
      proc = await startBot();
      const restartMs = Date.now() - t0;
      const status = await anna.waitFor(says(/Lage NF-\d{4}-0001/), "status answer after the restart", 60_000);
      expect(status.wireType).toBe("m.room.encrypted");
      expect(String(status.content.body).replace(/\s+/g, " ")).toMatch(/Technik: ben/i);
      // nothing that was sent around the kill is lost: the bot read both messages (none stays undecryptable)
      expect(output).not.toMatch(new RegExp(`${escapeRe(during)}.*noch nicht lesbar|${escapeRe(meanwhile)}.*noch nicht lesbar`));
      expect(await botDevices()).toEqual(devicesBefore);
      expect(await anna.devicesOf(bot.userId)).toEqual(keysBefore);
      process.stderr.write(`[matrix] serve mit Verschlüsselung nach kill -9 wieder bereit nach ${restartMs} ms\n`);
    },
    T,
  );

  it(
    "a second restart adds no device and keeps reading",
    async () => {
      const devicesBefore = await botDevices();
      const keysBefore = await anna.devicesOf(bot.userId);
      await kill9(proc!);
      proc = await startBot();
      await ben.replyInThread(room, declared, "vorlage mitarbeitende");
      await anna.waitFor(says(/Information an alle Mitarbeitenden/), "template after the second restart", 60_000);
      expect(await botDevices()).toEqual(devicesBefore);
      expect(await anna.devicesOf(bot.userId)).toEqual(keysBefore);
      expect(output).not.toContain("nicht entschlüsseln");
    },
    T,
  );

  it(
    "after the restarts the incident runs to its end as in an unencrypted room: tasks by reply and by ✅, the closing summary, readable by both people",
    async () => {
      const norm = (e: SeenCryptoEvent) => String(e.content.body).replace(/\s+/g, " ");
      // ben's task card (posted before the kills): all but one task by reply, the last one by a ✅ on the card
      const card = (await ben.history(room)).find((e) => botIn(inThread)(e) && /\d+\. .*Lage bestätigen/.test(norm(e)));
      expect(card, "ben's task card").toBeDefined();
      const nrs = [...norm(card!).matchAll(/(?:^| )(\d+)\. /g)].map((m) => Number(m[1]));
      expect(nrs.length).toBeGreaterThan(1);
      const last = nrs.at(-1)!;
      await ben.replyInThread(room, declared, `erledigt ${nrs.slice(0, -1).join(", ")}`);
      // an edit of the card in which `n` tasks show as done by ben (strict: an earlier edit never matches a later step)
      const editOf = (ref: string, n: number) =>
        botIn((e) => {
          const rel = e.content["m.relates_to"] as { rel_type?: string; event_id?: string } | undefined;
          const body = String((e.content["m.new_content"] as { body?: unknown } | undefined)?.body ?? "").replace(/\s+/g, " ");
          return rel?.rel_type === "m.replace" && rel.event_id === ref && body.match(/erledigt von ben/gi)?.length === n;
        });
      await ben.waitFor(editOf(card!.id, nrs.length - 1), "card edited after the reply", 60_000);
      await ben.react(room, card!.id, "✅");
      const done = await anna.waitFor(editOf(card!.id, nrs.length), "card edited after the ✅", 60_000);
      expect(done.wireType).toBe("m.room.encrypted");
      expect(String((done.content["m.new_content"] as { body: string }).body).replace(/\s+/g, " ")).toMatch(
        new RegExp(`${last}\\. [^]*erledigt von ben`, "i"),
      );
      // the coordinator takes the incident through its phases and closes it
      for (const reason of ["Sofortmaßnahmen laufen", "Lage im Griff", "Eindämmung abgeschlossen", "System läuft wieder"]) {
        await anna.replyInThread(room, declared, `weiter ${reason}`);
      }
      await anna.waitFor(says(/Was lernen wir daraus/), "review questions", 60_000);
      await anna.replyInThread(room, declared, "antwort L1 Über eine gefälschte Rechnung per E-Mail");
      await anna.replyInThread(room, declared, "abschließen Nachbereitung in der Teamsitzung besprochen");
      for (const p of [anna, ben]) {
        const summary = await p.waitFor(says(/abgeschlossen – Zusammenfassung/), `closing summary at ${p.user.displayName}`, 60_000);
        expect(summary.wireType).toBe("m.room.encrypted");
        expect(summary.decryptionFailure).toBe(false);
        expect(norm(summary)).toMatch(/Dauer gesamt.*gefälschte Rechnung/);
      }
      // nothing the bot wrote in this room is unreadable for either person, before or after the kills
      for (const p of [anna, ben]) {
        const fromBot = (await p.history(room)).filter((e) => e.sender === bot.userId && e.wireType === "m.room.encrypted");
        expect(fromBot.length).toBeGreaterThan(10);
        expect(fromBot.filter((e) => e.decryptionFailure)).toEqual([]);
      }
      expect(output).not.toContain("nicht entschlüsseln");
    },
    T,
  );

  it(
    "does not start Matrix with a wrong MATRIX_CRYPTO_SECRET and says what to do (never new keys over the old ones)",
    async () => {
      await kill9(proc!);
      const keysBefore = await anna.devicesOf(bot.userId);
      output = "";
      const wrong = spawnBot("ein-falsches-geheimnis-0123456789");
      const code = await new Promise<number | null>((r) => wrong.once("exit", (c) => r(c)));
      expect(code).not.toBe(0);
      expect(output).toMatch(/MATRIX_CRYPTO_SECRET passt nicht zu .*matrix-crypto\.bin.*MATRIX_CRYPTO_SECRET_PREVIOUS/);
      expect(output).not.toContain("ein-falsches-geheimnis");
      expect(await anna.devicesOf(bot.userId)).toEqual(keysBefore);
    },
    T,
  );

  it(
    "rotates the recovery key as docs/matrix.md says: a new MATRIX_RECOVERY_KEY and a restart move the cross-signing keys to it",
    async () => {
      const keysBefore = await anna.devicesOf(bot.userId);
      const oldKeyId = ((await accountData("m.secret_storage.default_key")) as { key: string }).key;
      const storedUnder = async (name: string) =>
        Object.keys(((await accountData(name)) as { encrypted?: Record<string, unknown> } | undefined)?.encrypted ?? {});
      expect(await storedUnder("m.cross_signing.master")).toEqual([oldKeyId]);
      output = "";
      const rotated = newRecoveryKey();
      proc = await startBot(SECRET, rotated);
      expect(output).toContain("Schlüsselspeicher mit MATRIX_RECOVERY_KEY eingerichtet");
      const newKeyId = ((await accountData("m.secret_storage.default_key")) as { key: string }).key;
      expect(newKeyId).not.toBe(oldKeyId);
      // the old key opens nothing current: every cross-signing secret is stored under the new key only
      for (const name of ["m.cross_signing.master", "m.cross_signing.self_signing", "m.cross_signing.user_signing"]) {
        expect(await storedUnder(name)).toEqual([newKeyId]);
      }
      expect(output).not.toContain(rotated);
      // same device, still verified by its owner, still answering
      expect(await anna.devicesOf(bot.userId)).toEqual(keysBefore);
      expect(await anna.deviceStatus(bot.userId, "NOTFALLBOT")).toMatchObject({ signedByOwner: true });
      const t0 = Date.now();
      const asked = await ben.replyInThread(room, declared, "status");
      const answer = await ben.waitFor(
        botIn((e) => inThread(e) && e.at >= t0),
        `answer to ${asked} after the rotation`,
        60_000,
      );
      expect(answer.decryptionFailure).toBe(false);
      expect(String(answer.content.body)).toMatch(/NF-\d{4}-0001/);
      // a further restart with the new key changes nothing more
      await kill9(proc);
      output = "";
      proc = await startBot(SECRET, rotated);
      expect(output).not.toContain("Schlüsselspeicher mit MATRIX_RECOVERY_KEY eingerichtet");
      expect(((await accountData("m.secret_storage.default_key")) as { key: string }).key).toBe(newKeyId);
    },
    T,
  );
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
