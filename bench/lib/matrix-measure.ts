/**
 * The person's side of the Matrix benchmark (child process of bench/suites/matrix.ts): anna's matrix-js-sdk client
 * (tests/adapters/matrix/people.ts, syncing like Element) on the benchmark's Synapse. Creates a room with our bot and
 * one with the echo client (bench/lib/matrix-bot.ts), then takes, one at a time and in rotating order:
 *
 *  - declare: `!notfall neu verschlüsselung …` sent → the first bot message in that message's thread seen by anna's client
 *    (`neu`: every sample opens an incident; without it, the second declaration of the same type in the room gets the
 *    question whether to open another one, not an incident);
 *  - floor:   a plain message sent → anna's client seeing that same event come back through /sync;
 *  - echo:    a plain message in the echo room → the echo client's answer in its thread seen by anna's client.
 *
 * Times are taken in anna's process (performance.now() when the SDK emits the event). After each declare the bot is
 * asked `GET /idle` (outside the clock), so that its remaining messages do not run into the next sample.
 * Prints one JSON line with the samples (ms) and the send times (PUT answered).
 *
 * Run alone: node bench/lib/matrix-measure.ts --hs URL --anna '<TestUser json>' --bot @bot:localhost
 *   --echo @echo:localhost --control http://127.0.0.1:PORT [--samples 25 --warmup 3]
 */
import { type MatrixEvent, RoomEvent } from "matrix-js-sdk";
import { Person } from "../../tests/adapters/matrix/people.ts";
import type { TestUser } from "../../tests/adapters/matrix/synapse.ts";
import { args, report } from "./args.ts";

const a = args();
const hs = a.str("hs");
const anna = await Person.connect(hs, JSON.parse(a.str("anna")) as TestUser);
const botId = a.str("bot");
const echoId = a.str("echo");
const control = a.str("control");
const samples = a.num("samples", 25);
const warmup = a.num("warmup", 3);

/** When anna's client emitted each event (by id), and the first message of each thread root by sender. */
const arrived = new Map<string, number>();
const firstInThread = new Map<string, number>();
let waiters: (() => void)[] = [];
anna.client.on(RoomEvent.Timeline, (ev: MatrixEvent, _room, toStart) => {
  const now = performance.now();
  const id = ev.getId();
  if (toStart || !id || id.startsWith("~")) return;
  if (!arrived.has(id)) arrived.set(id, now);
  const rel = (ev.getContent() as { "m.relates_to"?: { rel_type?: string; event_id?: string } })["m.relates_to"];
  if (rel?.rel_type === "m.thread" && rel.event_id) {
    const key = `${ev.getSender()}\n${rel.event_id}`;
    if (!firstInThread.has(key)) firstInThread.set(key, now);
  }
  const w = waiters;
  waiters = [];
  for (const r of w) r();
});

async function until<T>(get: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(`Zeitüberschreitung: ${what}`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 1_000);
      waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

const botRoom = await anna.createRoom({ name: "IT-Notfall Benchmark", invite: [botId] });
await anna.waitForMembership(botRoom, botId, "join", 30_000);
const echoRoom = await anna.createRoom({ name: "Echo Benchmark", invite: [echoId] });
await anna.waitForMembership(echoRoom, echoId, "join", 30_000);

interface Sample {
  /** Send → the awaited event in anna's client, ms. */
  ms: number;
  /** Send → the homeserver's answer to the PUT (event stored), ms. */
  putMs: number;
}
const out: Record<"declare" | "floor" | "echo", Sample[]> = { declare: [], floor: [], echo: [] };
let n = 0;

async function take(kind: keyof typeof out): Promise<Sample> {
  n++;
  const room = kind === "echo" ? echoRoom : botRoom;
  const body = kind === "declare" ? `!notfall neu verschlüsselung Server zeigt Erpressernachricht (${n})` : `Kaffee ist fertig (${n})`;
  const t0 = performance.now();
  const id = await anna.say(room, body);
  const putMs = performance.now() - t0;
  const t =
    kind === "floor"
      ? await until(() => arrived.get(id), `eigene Nachricht ${id}`)
      : await until(() => firstInThread.get(`${kind === "declare" ? botId : echoId}\n${id}`), `Antwort im Thread von ${id}`);
  if (kind === "declare") {
    const res = await fetch(`${control}/idle`, { signal: AbortSignal.timeout(60_000) });
    await res.text();
  }
  return { ms: t - t0, putMs };
}

const kinds = ["declare", "floor", "echo"] as const;
for (let i = 0; i < warmup; i++) for (const k of kinds) await take(k);
for (let i = 0; i < samples; i++) {
  // rotate the order, so that no kind always follows the same other one
  const order = [...kinds.slice(i % 3), ...kinds.slice(0, i % 3)];
  for (const k of i % 2 ? order.reverse() : order) out[k].push(await take(k));
}
anna.stop();
report(out);
process.exit(0);
