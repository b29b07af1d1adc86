/**
 * The render worker (a `node:worker_threads` thread, started by `render.ts`): renders the incident report PDF and
 * writes the handbook, the two heavy synchronous jobs (1–3 s of PDFKit layout and Vega drawing) that must not run on
 * the event loop that answers HTTP. One job message in, one answer out, matched by id; an error travels back as
 * the Error it was.
 */
import { parentPort } from "node:worker_threads";
import { lowerThreadPriority } from "./nice.ts";
import type { RenderAnswer, RenderJob } from "./render.ts";

if (!parentPort) throw new Error("render-worker.ts läuft nur als Worker-Thread / runs only as a worker thread");
const port = parentPort;
// the thread that answers HTTP gets a core before the seconds of PDF layout do
lowerThreadPriority();

async function run(job: RenderJob): Promise<Uint8Array | string[]> {
  if (job.kind === "report") {
    const { renderReportPdf } = await import("../report/pdf.ts");
    return renderReportPdf(job.report);
  }
  const { writeHandbookSync } = await import("../handbook/write.ts");
  return writeHandbookSync(job.options);
}

port.on("message", (job: RenderJob) => {
  run(job).then(
    (value) => {
      const answer: RenderAnswer = { id: job.id, ok: true, value };
      // the PDF's bytes are handed over, not copied (a Buffer may share a pooled ArrayBuffer: copy those)
      if (value instanceof Uint8Array) {
        const own = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? value : new Uint8Array(value);
        port.postMessage({ ...answer, value: own }, [own.buffer as ArrayBuffer]);
      } else port.postMessage(answer);
    },
    (err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      try {
        port.postMessage({ id: job.id, ok: false, error } satisfies RenderAnswer);
      } catch {
        port.postMessage({ id: job.id, ok: false, error: new Error(error.message) } satisfies RenderAnswer);
      }
    },
  );
});
