// A bot worker that starts and then exits with code 3 on the first event (tests/core/bot-thread.test.ts).
import { parentPort } from "node:worker_threads";

parentPort.postMessage({
  kind: "ready",
  info: { description: "fake", dataDir: ".", tenants: undefined, tenantDir: undefined, owner: undefined },
});
parentPort.on("message", (m) => {
  if (m.kind === "inbound") process.exit(3);
});
