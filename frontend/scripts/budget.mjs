// The web app's budgets, measured:
//  1. initial JavaScript (what index.html loads before anything else), gzipped: at most 200 kB;
//  2. the programme page of the demo week: first content (the first session on screen) in under
//     1 s, in Debian's Chromium against a real `leerweek serve --demo` (started here);
//  3. with `--lighthouse`, Lighthouse's performance and accessibility scores of that page
//     (`npx lighthouse`, fetched from npm on first use).
// Prints the figures; exits 1 when a budget is broken.   Usage: node scripts/budget.mjs [--lighthouse]
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, "../dist");
const JS_BUDGET = 200 * 1024;
const FIRST_CONTENT_BUDGET_MS = 1000;
let failed = false;

// 1. Initial JavaScript.
const index = readFileSync(join(dist, "index.html"), "utf8");
const scripts = [...index.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="([^"]+\.js)"/g)].map((m) => m[1]);
let gz = 0;
for (const s of scripts) gz += gzipSync(readFileSync(join(dist, s))).length;
const css = [...index.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)].map((m) => m[1]);
const cssGz = css.reduce((a, s) => a + gzipSync(readFileSync(join(dist, s))).length, 0);
console.log(`initial JavaScript: ${(gz / 1024).toFixed(1)} kB gzipped in ${scripts.length} file(s) (budget 200 kB); CSS ${(cssGz / 1024).toFixed(1)} kB gzipped`);
if (scripts.length === 0 || gz > JS_BUDGET) failed = true;

// 2. First content of the programme page.
const bin = process.env.LEERWEEK_BIN ?? resolve(here, "../../target/debug/leerweek");
if (!existsSync(bin)) {
  console.error(`FAIL: no Leerweek binary at ${bin} (cargo build --bin leerweek, or set LEERWEEK_BIN)`);
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), "leerweek-budget-"));
const port = process.env.BUDGET_PORT ?? "18090";
const base = `http://127.0.0.1:${port}`;
const server = spawn(bin, ["serve", "--demo", "--bind", `127.0.0.1:${port}`], {
  env: { ...process.env, LEERWEEK__DATABASE__URL: `sqlite://${dir}/b.db?mode=rwc`, LEERWEEK__MAIL__FILE_DIR: `${dir}/mail`, RUST_LOG: "warn" },
  stdio: ["ignore", "ignore", "inherit"],
});
try {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const { chromium } = await import("@playwright/test");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ locale: "nl-NL", timezoneId: "Europe/Amsterdam" });
  const page = await context.newPage();
  await page.goto(`${base}/demo`);
  await page.getByRole("button", { name: /^medewerker/ }).click();
  await page.waitForURL((u) => u.pathname === "/");
  const runs = [];
  for (let i = 0; i < 5; i++) {
    // A cold load each time: a new page without the browser's cache of the app.
    const fresh = await context.newPage();
    const cdp = await context.newCDPSession(fresh);
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await fresh.goto(`${base}/`, { waitUntil: "commit" });
    await fresh.locator(".lw-session").first().waitFor();
    const t = await fresh.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      const fcp = performance.getEntriesByName("first-contentful-paint")[0];
      return { content: performance.now() - (nav?.startTime ?? 0), fcp: fcp?.startTime ?? null };
    });
    runs.push(t);
    await fresh.close();
  }
  const cookie = (await context.cookies()).find((c) => c.name === "lw_session");
  await browser.close();
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const content = median(runs.map((r) => r.content));
  const fcp = median(runs.map((r) => r.fcp ?? NaN));
  console.log(`programme page (demo week, 120 sessions), cold load, median of ${runs.length}: first contentful paint ${fcp.toFixed(0)} ms, first session on screen ${content.toFixed(0)} ms (budget 1000 ms)`);
  if (!(content < FIRST_CONTENT_BUDGET_MS)) failed = true;

  // 3. Lighthouse (optional: it is large and fetched on demand).
  if (process.argv.includes("--lighthouse")) {
    const out = join(dir, "lh.json");
    const r = spawnSync("npx", ["-y", "lighthouse@13", `${base}/`, "--quiet", "--output=json", `--output-path=${out}`,
      "--only-categories=performance,accessibility", "--preset=desktop",
      `--chrome-path=${process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"}`,
      "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync",
      `--extra-headers=${JSON.stringify({ Cookie: `lw_session=${cookie?.value ?? ""}` })}`], { stdio: ["ignore", "inherit", "inherit"] });
    if (r.status === 0) {
      const lh = JSON.parse(readFileSync(out, "utf8"));
      const audits = lh.audits;
      console.log(`lighthouse (desktop preset): performance ${Math.round(lh.categories.performance.score * 100)}, accessibility ${Math.round(lh.categories.accessibility.score * 100)}; FCP ${audits["first-contentful-paint"].displayValue}, LCP ${audits["largest-contentful-paint"].displayValue}, TBT ${audits["total-blocking-time"].displayValue}, CLS ${audits["cumulative-layout-shift"].displayValue}`);
    } else {
      console.error("lighthouse did not run (see above)");
      failed = true;
    }
  }
} finally {
  server.kill("SIGTERM");
}
if (failed) {
  console.error("FAIL: a budget is broken");
  process.exit(1);
}
console.log("budgets: ok");
