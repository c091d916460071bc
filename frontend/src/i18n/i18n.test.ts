import { describe, expect, it } from "vitest";
import { namespaces } from "./index";

function keys(o: unknown, prefix = ""): string[] {
  return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) =>
    typeof v === "string" ? [prefix + k] : keys(v, `${prefix}${k}.`),
  );
}

describe("texts", () => {
  for (const [name, ns] of Object.entries(namespaces)) {
    it(`${name}: Dutch and English have the same keys, none empty`, () => {
      expect(keys(ns.en).sort()).toEqual(keys(ns.nl).sort());
      for (const lang of [ns.nl, ns.en]) {
        for (const k of keys(lang)) {
          const v = k.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], lang);
          expect(String(v).trim(), k).not.toBe("");
        }
      }
    });
  }
});
