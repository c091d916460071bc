import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

// A lost `}` puts every later rule inside a media query (styled on phones only): the file is
// written with top-level rules at column 0 and nested ones indented, so check exactly that.
describe.each(["styles.css", "klussen.css"])("%s", (file) => {
  it("closes every block, and every rule at column 0 is at the top level", () => {
    const css = readFileSync(resolve(__dirname, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, (c) =>
      c.replace(/[^\n]/g, " "),
    );
    let depth = 0;
    const misplaced: string[] = [];
    css.split("\n").forEach((line, i) => {
      if (/^[^\s}]/.test(line) && depth !== 0) misplaced.push(`${i + 1}: ${line}`);
      for (const ch of line) depth += ch === "{" ? 1 : ch === "}" ? -1 : 0;
      expect(depth, `line ${i + 1}`).toBeGreaterThanOrEqual(0);
    });
    expect(misplaced).toEqual([]);
    expect(depth).toBe(0);
  });
});
