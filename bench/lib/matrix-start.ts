/**
 * One start of the bot with Matrix (child of bench/suites/matrix.ts), wired like `notfallbot serve`: loads the
 * modules, opens the SQLite file, createBot with the Matrix adapter (access token, sync state next to the database,
 * and with `--crypto SECRET` the end-to-end encryption state `matrix-crypto.bin` there too), starts it and prints
 * `ready` once the adapter is connected (first sync done, crypto loaded and cross-signing checked). Then, untimed:
 * a GC, the resident memory, and the adapter's own timings; stops cleanly (the crypto state is written) and prints
 * them as JSON.
 *
 * Run alone: node bench/lib/matrix-start.ts --hs URL --bot '<TestUser json>' --dir /tmp/x [--crypto SECRET]
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { TestUser } from "../../tests/adapters/matrix/synapse.ts";
import { args, report } from "./args.ts";

const a = args();
const hs = a.str("hs");
const botUser = JSON.parse(a.str("bot")) as TestUser;
const dir = a.str("dir");
const cryptoSecret = a.flag("crypto") ? a.str("crypto") : undefined;

const [{ MatrixAdapter }, { createBot }, { systemClock }, { loadPlaybooks }, { openStorage }] = await Promise.all([
  import("../../src/adapters/matrix/adapter.ts"),
  import("../../src/app.ts"),
  import("../../src/core/clock.ts"),
  import("../../src/machines/loader.ts"),
  import("../../src/storage/index.ts"),
]);

const storage = openStorage(join(dir, "notfall.db"));
const cryptoFile = join(dir, "matrix-crypto.bin");
const adapter = new MatrixAdapter({
  config: {
    homeserverUrl: hs,
    accessToken: botUser.accessToken,
    deviceId: botUser.deviceId,
    allowed: [],
    stateFile: join(dir, "matrix-state.json"),
    ...(cryptoSecret ? { cryptoSecret, cryptoFile } : {}),
  },
  clock: systemClock,
  sdkLogLevel: "error",
  log: (level, line) => {
    if (level !== "info") process.stderr.write(`[matrix ${level}] ${line}\n`);
  },
});
const bot = createBot({ storage, adapters: [adapter], clock: systemClock, playbooks: loadPlaybooks(), log: () => {} });
await bot.start();
const readyAt = performance.now();
process.stdout.write("ready\n");

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
gc();
const mem = process.memoryUsage();
await bot.stop();
storage.close();
report({
  readyMs: readyAt,
  rssMb: mem.rss / 2 ** 20,
  heapMb: mem.heapUsed / 2 ** 20,
  ...adapter.startTimes,
  cryptoFileKb: cryptoSecret ? statSync(cryptoFile).size / 1024 : 0,
});
process.exit(0);
