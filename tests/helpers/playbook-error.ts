import { expect } from "vitest";
import { PlaybookError } from "../../src/machines/loader.ts";

/** The PlaybookError `fn` throws (fails the test when it throws something else or nothing). */
export function errorOf(fn: () => unknown): PlaybookError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PlaybookError);
    return err as PlaybookError;
  }
  throw new Error("expected a PlaybookError");
}
