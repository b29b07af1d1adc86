/**
 * The core's {@link StoragePort} with every method answering with a Promise: the shape the port takes when the
 * core loads and commits asynchronously (PostgreSQL cannot answer synchronously). The PostgreSQL storage
 * implements it; once the core's port itself is asynchronous, this alias is that port.
 */
import type { StoragePort } from "../core/ports.ts";

export type AsyncStoragePort = {
  [K in keyof StoragePort]: StoragePort[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};
