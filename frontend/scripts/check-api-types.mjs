// Fails when src/api/schema.d.ts is not what openapi-typescript makes of src/api/openapi.json.
// (The Rust test `the_frontends_committed_openapi_document_matches_the_server` checks that the
// committed openapi.json is what the server produces; together they tie the client to the server.)
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const dir = new URL("../src/api/", import.meta.url);
const doc = JSON.parse(readFileSync(new URL("openapi.json", dir), "utf8"));
const fresh = astToString(await openapiTS(doc));
const committed = readFileSync(new URL("schema.d.ts", dir), "utf8");
const strip = (s) => s.replace(/^\/\*\*[\s\S]*?\*\/\s*/, "").trim();
if (strip(fresh) !== strip(committed)) {
  console.error(
    `FAIL: ${fileURLToPath(new URL("schema.d.ts", dir))} differs from the types generated from openapi.json.\n` +
      "Run: npm run api:types (in frontend/) and commit the result.",
  );
  process.exit(1);
}
console.log("api types: src/api/schema.d.ts matches src/api/openapi.json");
