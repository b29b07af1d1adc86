/**
 * Heavy renders off the event loop that answers HTTP: the incident report PDF (written on `export`, ~1.3 s) and the
 * handbook (`/notfall handbuch`, 1.5–3 s) run in one worker thread (`render-worker.ts`), started on first use and
 * ended after a minute without work. The API stays a Promise; a failed render rejects with the Error the worker
 * threw, so the core answers it as before (the apology is committed, no file is named). The handbook's files are
 * written by the worker and the promise resolves only after they are on disk, so the core's order "files before the
 * commit" (docs/core.md, file effects) holds unchanged.
 */
import { Worker } from "node:worker_threads";
import type { WriteHandbookOptions } from "../handbook/write.ts";
import type { IncidentReport } from "../report/model.ts";

type Job = { kind: "report"; report: IncidentReport } | { kind: "handbook"; options: WriteHandbookOptions };

export type RenderJob = Job & { id: number };

export type RenderAnswer = { id: number; ok: true; value: Uint8Array | string[] } | { id: number; ok: false; error: Error };

/** A worker without work is ended after this long (its PDF and chart libraries hold ~50 MB). */
const IDLE_MS = 60_000;

type Pending = { resolve: (v: Uint8Array | string[]) => void; reject: (e: Error) => void };

/** One lazily started worker thread; jobs are matched to answers by id. */
export class RenderWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  /** The incident report as PDF bytes. */
  async report(report: IncidentReport): Promise<Uint8Array> {
    return (await this.run({ kind: "report", report })) as Uint8Array;
  }

  /** Writes the handbook (PDF + Markdown); resolves with both paths once they are written. */
  async handbook(options: WriteHandbookOptions): Promise<string[]> {
    return (await this.run({ kind: "handbook", options })) as string[];
  }

  /** Ends the worker now (jobs in flight are rejected). */
  async close(): Promise<void> {
    const w = this.worker;
    this.drop(new Error("Render-Worker beendet / render worker closed"));
    await w?.terminate();
  }

  private run(job: Job): Promise<Uint8Array | string[]> {
    const id = ++this.nextId;
    const w = this.start();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    w.ref(); // a job in flight keeps the process alive
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ ...job, id } satisfies RenderJob);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL("./render-worker.ts", import.meta.url));
    w.on("message", (a: RenderAnswer) => {
      const p = this.pending.get(a.id);
      if (!p) return;
      this.pending.delete(a.id);
      if (a.ok) p.resolve(a.value);
      else p.reject(a.error);
      this.settle();
    });
    w.on("error", (err) => {
      if (this.worker === w) this.drop(err);
    });
    w.on("exit", (code) => {
      if (this.worker === w) this.drop(new Error(`Render-Worker unerwartet beendet (Code ${code}) / render worker exited`));
    });
    this.worker = w;
    return w;
  }

  /** No job left: let the process exit without waiting for the worker, and end it after a while. */
  private settle(): void {
    if (this.pending.size || !this.worker) return;
    const w = this.worker;
    w.unref();
    this.idleTimer = setTimeout(() => {
      if (this.worker === w && !this.pending.size) {
        this.worker = undefined;
        void w.terminate();
      }
    }, IDLE_MS);
    this.idleTimer.unref();
  }

  /** The worker failed or was ended: every job in flight fails with `err`; the next job starts a new worker. */
  private drop(err: Error): void {
    const w = this.worker;
    this.worker = undefined;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const jobs = [...this.pending.values()];
    this.pending.clear();
    for (const p of jobs) p.reject(err);
    w?.unref();
  }
}

let shared: RenderWorker | undefined;

/** The process's render worker (one for every sink). */
export function renderWorker(): RenderWorker {
  shared ??= new RenderWorker();
  return shared;
}
