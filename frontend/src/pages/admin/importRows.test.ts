import { describe, expect, it } from "vitest";
import { ordered, pageOf, PER_PAGE } from "./importRows";

describe("import preview rows", () => {
  it("puts invalid rows first, then changed, new and unchanged, each in file order", () => {
    const rows = [
      { line: 2, email: "a", status: "new" },
      { line: 3, email: "b", status: "unchanged" },
      { line: 4, email: "c", status: "invalid" },
      { line: 5, email: "d", status: "changed" },
      { line: 6, email: "e", status: "invalid" },
    ];
    expect(ordered(rows).map((r) => r.line)).toEqual([4, 6, 5, 2, 3]);
  });

  it("pages by fifty", () => {
    const rows = Array.from({ length: 120 }, (_, i) => i);
    expect(pageOf(rows, 1)).toHaveLength(PER_PAGE);
    expect(pageOf(rows, 3)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119]);
  });
});
