import { describe, expect, it } from "vitest";
import { isAllowedInvite, MatrixConfigError, parseAllowList, readMatrixConfig } from "../../../src/adapters/matrix/config.ts";
import { htmlToText, normaliseEmoji, parseMessage, stripReplyFallback, userFromHref } from "../../../src/adapters/matrix/parse.ts";
import { newRecoveryKey } from "../../../src/adapters/matrix/recovery-key.ts";

const BOT = "@notfallbot:localhost";
const ctx = {
  botUserId: BOT,
  botNames: ["Notfallbot"],
  displayName: (id: string) => ({ "@anna:localhost": "Anna", "@ben:localhost": "Ben" })[id],
};

const text = (body: string, extra: Record<string, unknown> = {}) => parseMessage({ msgtype: "m.text", body, ...extra }, ctx);

describe("matrix parse: commands", () => {
  it("recognises !notfall and /notfall and strips the prefix", () => {
    expect(text("!notfall verschlüsselung Server gesperrt")).toEqual({
      command: true,
      text: "verschlüsselung Server gesperrt",
      mentions: [],
    });
    expect(text("/notfall status")).toMatchObject({ command: true, text: "status" });
    expect(text("!Notfall")).toMatchObject({ command: true, text: "" });
    expect(text("  !notfall   hilfe  ")).toMatchObject({ command: true, text: "hilfe" });
  });

  it("does not take words that only start like the command", () => {
    expect(text("!notfallplan liegt im Schrank")).toMatchObject({ command: false });
    expect(text("notfall verschlüsselung")).toMatchObject({ command: false });
  });

  it("recognises a mention of the bot (pill, user id or display name) followed by notfall", () => {
    const pill = parseMessage(
      {
        msgtype: "m.text",
        body: "Notfallbot: notfall status",
        format: "org.matrix.custom.html",
        formatted_body: '<a href="https://matrix.to/#/@notfallbot:localhost">Notfallbot</a>: notfall status',
      },
      ctx,
    );
    expect(pill).toEqual({ command: true, text: "status", mentions: [] });
    expect(text("@notfallbot:localhost notfall rolle technik")).toMatchObject({ command: true, text: "rolle technik" });
    expect(text("Notfallbot: notfall status")).toMatchObject({ command: true, text: "status" });
    expect(text("notfallbot, status")).toMatchObject({ command: true, text: "status" });
    expect(text("Notfallbot ist super")).toMatchObject({ command: false });
  });

  it("normalises mentions of people to <@id> with display names, from pills and from plain ids", () => {
    const r = parseMessage(
      {
        msgtype: "m.text",
        body: "!notfall rolle technik Ben",
        format: "org.matrix.custom.html",
        formatted_body: '!notfall rolle technik <a href="https://matrix.to/#/%40ben%3Alocalhost">Ben</a>',
      },
      ctx,
    );
    expect(r).toEqual({ command: true, text: "rolle technik <@@ben:localhost>", mentions: [{ id: "@ben:localhost", displayName: "Ben" }] });
    expect(text("rolle koordinator @anna:localhost.")).toEqual({
      command: false,
      text: "rolle koordinator <@@anna:localhost>.",
      mentions: [{ id: "@anna:localhost", displayName: "Anna" }],
    });
    // unknown member: display name from the pill label, else the local part
    const p = parseMessage(
      { msgtype: "m.text", body: "x", format: "org.matrix.custom.html", formatted_body: '<a href="matrix:u/cem:localhost">Cem Ö</a>' },
      ctx,
    );
    expect(p?.mentions).toEqual([{ id: "@cem:localhost", displayName: "Cem Ö" }]);
    expect(text("@dora:localhost")?.mentions).toEqual([{ id: "@dora:localhost", displayName: "dora" }]);
    expect(text("mail an anna@localhost.de")?.mentions).toEqual([]);
  });

  it("reads hostile HTML as text: tags dropped, entities decoded, reply fallbacks removed", () => {
    const r = parseMessage(
      {
        msgtype: "m.text",
        body: "> <@ben:localhost> alt\n\nerledigt 3",
        format: "org.matrix.custom.html",
        formatted_body: "<mx-reply><blockquote>alt</blockquote></mx-reply><b>erledigt</b> 3 &lt;script&gt;<script>x</script><img src=x>",
      },
      ctx,
    );
    expect(r?.text).toBe("erledigt 3 <script>x");
    expect(stripReplyFallback("> <@ben:localhost> alt\n> zwei\n\nerledigt 3")).toBe("erledigt 3");
    expect(htmlToText("a<br>b<p>c</p>&#x1F600;&#0;&bogus;").text).toBe("a\nb\nc\n😀&bogus;");
  });

  it("describes attachments and ignores notices and unknown message types", () => {
    expect(parseMessage({ msgtype: "m.image", body: "foto.jpg" }, ctx)).toMatchObject({ command: false, text: "[Anhang: foto.jpg]" });
    expect(parseMessage({ msgtype: "m.location", body: "geo" }, ctx)).toBeUndefined();
    expect(parseMessage({ body: "kein msgtype" }, ctx)).toBeUndefined();
  });

  it("only accepts matrix.to links that point to users", () => {
    expect(userFromHref("https://matrix.to/#/@anna:localhost")).toBe("@anna:localhost");
    expect(userFromHref("https://matrix.to/#/!room:localhost")).toBeUndefined();
    expect(userFromHref("https://matrix.to/#/%E0%A4%A")).toBeUndefined();
    expect(userFromHref("javascript:alert(1)")).toBeUndefined();
  });
});

describe("matrix parse: reactions", () => {
  it("normalises every check mark to ✅ and every thumbs up to 👍", () => {
    for (const k of ["✅", "✔️", "✔", "☑️", "☑", "✓", ":white_check_mark:"]) expect(normaliseEmoji(k)).toBe("✅");
    for (const k of ["👍", "👍️", "👍🏽", "👍🏿", ":+1:"]) expect(normaliseEmoji(k)).toBe("👍");
    expect(normaliseEmoji("👀")).toBe("👀");
    expect(normaliseEmoji("❤️")).toBe("❤");
  });
});

describe("matrix config", () => {
  it("reads the environment and stays off without a homeserver URL", () => {
    expect(readMatrixConfig({})).toBeUndefined();
    expect(readMatrixConfig({ MATRIX_HOMESERVER_URL: "https://matrix.example.de/", MATRIX_ACCESS_TOKEN: "syt_x" })).toEqual({
      homeserverUrl: "https://matrix.example.de",
      accessToken: "syt_x",
      deviceId: "NOTFALLBOT",
      allowed: [],
    });
    expect(
      readMatrixConfig(
        {
          MATRIX_HOMESERVER_URL: "http://127.0.0.1:8008",
          MATRIX_USER_ID: "@bot:x.de",
          MATRIX_PASSWORD: "pw",
          MATRIX_ALLOWED: "@anna:x.de, :y.de !r:x.de",
        },
        { stateFile: "data/m.json" },
      ),
    ).toEqual({
      homeserverUrl: "http://127.0.0.1:8008",
      userId: "@bot:x.de",
      password: "pw",
      deviceId: "NOTFALLBOT",
      stateFile: "data/m.json",
      allowed: [
        { kind: "user", id: "@anna:x.de" },
        { kind: "server", server: "y.de" },
        { kind: "room", id: "!r:x.de" },
      ],
    });
  });

  it("explains in German what is missing", () => {
    expect(() => readMatrixConfig({ MATRIX_HOMESERVER_URL: "https://m.example.de" })).toThrow(
      /MATRIX_ACCESS_TOKEN setzen oder MATRIX_USER_ID und MATRIX_PASSWORD/,
    );
    expect(() => readMatrixConfig({ MATRIX_ACCESS_TOKEN: "x" })).toThrow(/MATRIX_HOMESERVER_URL fehlt/);
    expect(() => readMatrixConfig({ MATRIX_HOMESERVER_URL: "matrix.example.de", MATRIX_ACCESS_TOKEN: "x" })).toThrow(MatrixConfigError);
    expect(() => readMatrixConfig({ MATRIX_HOMESERVER_URL: "https://m.de", MATRIX_USER_ID: "bot", MATRIX_PASSWORD: "x" })).toThrow(
      /keine Matrix-ID/,
    );
    expect(() => parseAllowList("anna")).toThrow(/MATRIX_ALLOWED enthält „anna“/);
  });

  it("reads the encryption settings and explains in German what is wrong with them", () => {
    const base = { MATRIX_HOMESERVER_URL: "https://m.example.de", MATRIX_ACCESS_TOKEN: "syt_x" };
    const recoveryKey = newRecoveryKey();
    expect(
      readMatrixConfig(
        { ...base, MATRIX_CRYPTO_SECRET: "s".repeat(32), MATRIX_RECOVERY_KEY: ` ${recoveryKey} ` },
        { cryptoFile: "/var/lib/notfallbot/matrix-crypto.bin" },
      ),
    ).toMatchObject({ cryptoSecret: "s".repeat(32), recoveryKey, cryptoFile: "/var/lib/notfallbot/matrix-crypto.bin" });
    expect(readMatrixConfig({ ...base, MATRIX_CRYPTO_SECRET: "s".repeat(32), MATRIX_CRYPTO_STORE: "/x/k.bin" })).toMatchObject({
      cryptoFile: "/x/k.bin",
    });
    expect(readMatrixConfig(base)).not.toHaveProperty("cryptoSecret");
    expect(() => readMatrixConfig({ ...base, MATRIX_CRYPTO_SECRET: "kurz" })).toThrow(/MATRIX_CRYPTO_SECRET ist zu kurz.*openssl rand/);
    expect(() => readMatrixConfig({ ...base, MATRIX_CRYPTO_SECRET: "s".repeat(32), MATRIX_RECOVERY_KEY: "EsTx abcd" })).toThrow(
      /MATRIX_RECOVERY_KEY ist kein Wiederherstellungsschlüssel/,
    );
    expect(() => readMatrixConfig({ ...base, MATRIX_RECOVERY_KEY: recoveryKey })).toThrow(/nur zusammen mit MATRIX_CRYPTO_SECRET/);
  });

  it("allows invites from the bot's own server by default, else from the listed users, servers and rooms", () => {
    const bot = "@notfallbot:praxis.de";
    expect(isAllowedInvite([], "@anna:praxis.de", "!r:praxis.de", bot)).toBe(true);
    expect(isAllowedInvite([], "@mallory:evil.de", "!r:praxis.de", bot)).toBe(false);
    const list = parseAllowList("@ben:praxis.de,:it-dienstleister.de,!notfall:praxis.de");
    expect(isAllowedInvite(list, "@ben:praxis.de", "!x:praxis.de", bot)).toBe(true);
    expect(isAllowedInvite(list, "@anna:praxis.de", "!x:praxis.de", bot)).toBe(false);
    expect(isAllowedInvite(list, "@techniker:it-dienstleister.de", "!x:praxis.de", bot)).toBe(true);
    expect(isAllowedInvite(list, "@mallory:evil.de", "!notfall:praxis.de", bot)).toBe(true);
    expect(isAllowedInvite(list, "@mallory:it-dienstleister.de.evil.de", "!x:praxis.de", bot)).toBe(false);
  });
});
