/**
 * Guard for the second place the adapter reaches into matrix-js-sdk: the Rust crypto's automatic room-key requests
 * are switched off by the SDK (element-web #26524) and only its private `olmMachine` can switch them on (see
 * crypto.ts, enableKeyRequests). With a real SDK client and the Rust crypto on the bot's own crypto state file,
 * without a homeserver: an SDK update that renames the field fails here instead of silently turning the requests
 * off (the adapter would then log a warning at start).
 */
import { join } from "node:path";
import { createClient } from "matrix-js-sdk";
import { describe, expect, it } from "vitest";
import { initCrypto } from "../../../src/adapters/matrix/crypto.ts";
import { CryptoStateFile } from "../../../src/adapters/matrix/crypto-store.ts";
import { sdkLogger } from "../../../src/adapters/matrix/sdk-logger.ts";
import { tempDir } from "../../helpers/tmp.ts";

describe("Matrix: room-key requests of the Rust crypto", () => {
  const tmp = tempDir("nf-matrix-keyreq-");

  it("are switched on when the bot's crypto starts", async () => {
    const state = await CryptoStateFile.open(join(tmp.dir, "matrix-crypto.bin"), "ein-langes-testgeheimnis-0123456789");
    const client = createClient({
      baseUrl: "http://127.0.0.1:9",
      userId: "@notfallbot:example.org",
      accessToken: "token",
      deviceId: "NOTFALLBOT",
      logger: sdkLogger("error"),
    });
    try {
      expect(await initCrypto(client, state, "error")).toEqual({ keyRequests: true });
      const machine = (client.getCrypto() as unknown as { olmMachine?: { roomKeyRequestsEnabled?: boolean } }).olmMachine;
      expect(machine?.roomKeyRequestsEnabled).toBe(true);
    } finally {
      client.stopClient();
      await state.close();
      tmp.cleanup();
    }
  }, 60_000);
});
