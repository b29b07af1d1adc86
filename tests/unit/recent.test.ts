/**
 * The load step's memory of recent incidents and of which thread belongs to which incident (src/core/load.ts): it
 * keeps at most `max` entries, the ones used last, so that a server running for months does not keep one entry for
 * every thread it has ever seen.
 */
import { describe, expect, it } from "vitest";
import { Recent } from "../../src/core/load.ts";

describe("Recent", () => {
  it("keeps at most max entries and drops the least recently set first", () => {
    const r = new Recent<number>(3);
    for (let i = 1; i <= 5; i++) r.set(`t${i}`, i);
    expect(r.size).toBe(3);
    expect(r.get("t1")).toBeUndefined();
    expect(r.get("t2")).toBeUndefined();
    expect([r.get("t3"), r.get("t4"), r.get("t5")]).toEqual([3, 4, 5]);
  });

  it("counts a get as use: the entry read last stays, the oldest unread one goes", () => {
    const r = new Recent<string>(2);
    r.set("a", "NF-1");
    r.set("b", "NF-2");
    expect(r.get("a")).toBe("NF-1");
    r.set("c", "NF-3");
    expect(r.get("b")).toBeUndefined();
    expect(r.get("a")).toBe("NF-1");
    expect(r.get("c")).toBe("NF-3");
  });

  it("setting a key again replaces its value without growing; delete forgets it", () => {
    const r = new Recent<number>(2);
    r.set("a", 1);
    r.set("a", 2);
    expect(r.size).toBe(1);
    expect(r.get("a")).toBe(2);
    r.delete("a");
    expect(r.get("a")).toBeUndefined();
    expect(r.size).toBe(0);
  });

  it("stays bounded over many threads", () => {
    const r = new Recent<string>(4096);
    for (let i = 0; i < 20_000; i++) r.set(`C${i}\n${i}.000100`, `NF-2026-${i}`);
    expect(r.size).toBe(4096);
    expect(r.get("C19999\n19999.000100")).toBe("NF-2026-19999");
    expect(r.get("C0\n0.000100")).toBeUndefined();
  });
});
