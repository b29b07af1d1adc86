import { describe, expect, it } from "vitest";
import { parseWhen, showTime } from "../../src/core/time.ts";

const now = new Date("2026-03-02T10:00:00Z"); // 11:00 in Berlin

describe("times typed and shown in English", () => {
  it("reads `2 hours ago`, `30 min ago`, `1 day ago` like `vor 2 stunden`", () => {
    expect(parseWhen("2 hours ago", now)?.toISOString()).toBe("2026-03-02T08:00:00.000Z");
    expect(parseWhen("vor 2 stunden", now)?.toISOString()).toBe("2026-03-02T08:00:00.000Z");
    expect(parseWhen("30 min ago", now)?.toISOString()).toBe("2026-03-02T09:30:00.000Z");
    expect(parseWhen("1 day ago", now)?.toISOString()).toBe("2026-03-01T10:00:00.000Z");
    expect(parseWhen("yesterday 17:45", now)?.toISOString()).toBe("2026-03-01T16:45:00.000Z");
  });

  it("shows the month as a word in English (02/03 is ambiguous), German unchanged", () => {
    expect(showTime(now, "en")).toBe("Mon, 2 Mar 2026, 11:00");
    expect(showTime(now, "de")).toBe("Mo., 02.03.2026, 11:00");
  });
});
