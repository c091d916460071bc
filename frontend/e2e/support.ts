// Shared pieces of the browser tests: the demo server's tokens, an API client with a bearer
// token (for setting the scene, never for what the test checks in the browser), sign-in through
// the demo picker, an axe check and screenshots.
import AxeBuilder from "@axe-core/playwright";
import { expect, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export type Persona = "medewerker" | "manager" | "organisator" | "beheerder";

/** The demo tokens the server printed: role → { name, token }. */
export function personas(): Record<Persona, { name: string; token: string }> {
  const text = readFileSync(resolve(here, ".server/out.txt"), "utf8");
  const out: Record<string, { name: string; token: string }> = {};
  for (const line of text.split("\n")) {
    const m = line.match(/^\s+(medewerker|manager|organisator|beheerder)\s+(.+?),.*\s(lw_\S+)\s*$/);
    if (m) out[m[1]!] = { name: m[2]!.trim(), token: m[3]! };
  }
  for (const p of ["medewerker", "manager", "organisator", "beheerder"]) {
    if (!out[p]) throw new Error(`no ${p} token in the server's output:\n${text}`);
  }
  return out as Record<Persona, { name: string; token: string }>;
}

/** A JSON call with a bearer token; fails the test on an unexpected status. */
export async function call<T = unknown>(
  request: APIRequestContext,
  token: string,
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
  expected: number[] = [200, 201, 204],
): Promise<T> {
  const res = await request.fetch(path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(expected, `${method} ${path} → ${res.status()}: ${text}`).toContain(res.status());
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Sign in through the demo picker, as a person would. */
export async function signIn(page: Page, persona: Persona) {
  await page.goto("/demo");
  await page.getByRole("button", { name: new RegExp(`^${persona}`) }).click();
  await page.waitForURL((u) => u.pathname === "/");
}

/** Zero WCAG 2.0/2.1 A and AA violations on the page as it is now. */
export async function expectAccessible(page: Page, state: string) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const summary = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join("\n  ")}`,
  );
  expect(summary, `axe violations in state "${state}"`).toEqual([]);
  return result.passes.length;
}

/** Screenshots at phone and desktop width, kept as test artefacts in test-results/screenshots. */
export async function screenshots(page: Page, _testInfo: TestInfo, name: string) {
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  for (const [label, viewport] of [["telefoon", { width: 390, height: 844 }], ["desktop", { width: 1280, height: 800 }]] as const) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(100);
    await page.screenshot({ path: resolve(here, "../test-results/screenshots", `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(size);
}

export interface ProgrammeItem {
  session_id: string;
  workshop_id: string;
  title: string;
  starts_at: string;
  seats_left: number;
  capacity: number;
  host_organisation_id: string;
}

/** The published demo week and its programme, as `token` sees it. */
export async function demoWeek(request: APIRequestContext, token: string) {
  const events = await call<{ id: string; name: string; status: string }[]>(request, token, "GET", "/api/v1/events");
  const event = events.find((e) => e.status === "published");
  if (!event) throw new Error("no published demo week");
  const programme = await call<{ sessions: ProgrammeItem[] }>(request, token, "GET", `/api/v1/events/${event.id}/programme`);
  return { event, sessions: programme.sessions };
}

/** Press Tab until the focused element has this role and name (fails after 80 presses). */
export async function tabTo(page: Page, role: string, name: RegExp) {
  const target = page.getByRole(role as Parameters<Page["getByRole"]>[0], { name }).first();
  await expect(target).toBeVisible();
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`could not reach ${role} ${name} with Tab`);
}
