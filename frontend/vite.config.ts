/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";

// @utrecht/component-library-react defines most components in one file and then writes
// `Component.displayName = '…'` for each at the top level: a property write a bundler must keep,
// and with it every component (55 kB gzipped for a single Heading). Dropping those debug names
// lets the unused components go.
function utrechtTreeShaking(): Plugin {
  return {
    name: "leerweek:utrecht-pure",
    transform(code, id) {
      if (!/@utrecht[\\/]component-library-react[\\/]dist[\\/]index\.mjs$/.test(id)) return null;
      return { code: code.replace(/^[A-Za-z_$][\w$]*\.displayName = '[^']*';$/gm, ""), map: null };
    },
  };
}

// `npm run dev` serves the app with hot reload and sends the API and the server-rendered pages
// to a running `leerweek serve` (LEERWEEK_URL, default http://127.0.0.1:8080).
const backend = process.env.LEERWEEK_URL ?? "http://127.0.0.1:8080";
const proxied = ["/api", "/aanmelden", "/afmelden", "/beslissen", "/instemmen", "/demo", "/feedback", "/health"];

export default defineConfig({
  plugins: [react(), utrechtTreeShaking()],
  server: { proxy: Object.fromEntries(proxied.map((p) => [p, { target: backend, changeOrigin: false }])) },
  build: {
    outDir: "dist",
    sourcemap: false,
    // The charts load only on the reports page.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      // The Utrecht React packages have no `sideEffects` flag; their JavaScript has none, so
      // the components the app does not use can be left out (their CSS is imported apart).
      treeshake: {
        moduleSideEffects: (id: string) => !/node_modules[\\/]@utrecht[\\/][^\\/]+-react[\\/].*\.m?js$/.test(id),
      },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
  },
});
