import type { Express } from "express";

/**
 * An adapter that receives webhooks over HTTP (Slack, Teams). `notfallbot serve` owns one express
 * app on `PORT` and lets each configured adapter mount its routes (`POST /slack/events`, `POST /api/messages`).
 * Raw bodies matter for signature checks: mount your own body parsing on your own route only.
 */
export interface HttpMountable {
  mount(app: Express): void;
}

export function isHttpMountable(x: unknown): x is HttpMountable {
  return typeof (x as HttpMountable | null)?.mount === "function";
}
