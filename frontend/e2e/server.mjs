// Starts a real `leerweek serve --demo` on a fresh SQLite database for the browser tests, and
// keeps what it prints (the demo tokens) in e2e/.server/out.txt for the tests to read. With the
// argument `fresh`: a plain `leerweek serve` on an empty database (the first run, no demo) on
// E2E_FRESH_PORT, printing its one-time set-up address into e2e/.server-fresh/out.txt.
// The binary: LEERWEEK_BIN, else ../target/debug/leerweek (built by scripts/test).
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.LEERWEEK_BIN ?? resolve(here, "../../target/debug/leerweek");
const fresh = process.argv[2] === "fresh";
const port = fresh ? (process.env.E2E_FRESH_PORT ?? "18081") : (process.env.E2E_PORT ?? "18080");
const dir = resolve(here, fresh ? ".server-fresh" : ".server");
if (!existsSync(bin)) {
  console.error(`FAIL: no Leerweek binary at ${bin}: run \`cargo build --bin leerweek\` first (or set LEERWEEK_BIN)`);
  process.exit(1);
}
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const out = createWriteStream(resolve(dir, "out.txt"));
const args = fresh ? ["serve", "--bind", `127.0.0.1:${port}`] : ["serve", "--demo", "--bind", `127.0.0.1:${port}`];
const child = spawn(bin, args, {
  env: {
    ...process.env,
    LEERWEEK__DATABASE__URL: `sqlite://${dir}/e2e.db?mode=rwc`,
    LEERWEEK__MAIL__TRANSPORT: "file",
    LEERWEEK__MAIL__FILE_DIR: `${dir}/mail`,
    LEERWEEK__MAIL__PUBLIC_URL: `http://127.0.0.1:${port}`,
    RUST_LOG: process.env.RUST_LOG ?? "warn",
  },
  stdio: ["ignore", "pipe", "inherit"],
});
child.stdout.pipe(out);
child.stdout.pipe(process.stdout);
const stop = () => child.kill("SIGTERM");
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
child.on("exit", (code) => process.exit(code ?? 0));
