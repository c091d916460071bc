// The coordinator's console on an installation without any admin and without a CLI step: the
// first admin sets it up at the address the server printed, creates three organisations with
// units, makes someone organiser (by keyboard alone), and revokes the role again: the
// organiser's next request is refused. axe checks every page and state on the way.
import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freshURL } from "../playwright.config";
import { expectAccessible, screenshots, tabTo } from "./support";

const here = dirname(fileURLToPath(import.meta.url));
test.use({ baseURL: freshURL });

/** The one-time set-up address the fresh server printed. */
function setupAddress(): string {
  const text = readFileSync(resolve(here, ".server-fresh/out.txt"), "utf8");
  const m = text.match(/richt Leerweek in op (\S+)/);
  if (!m) throw new Error(`no set-up address in the fresh server's output:\n${text}`);
  return m[1]!;
}

/** A write through the API with the browser's session (cookie and CSRF token), for the scene. */
async function asBrowser<T>(page: Page, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  } else {
    const s = await page.request.get("/api/v1/auth/session");
    headers["X-CSRF-Token"] = ((await s.json()) as { csrf_token: string }).csrf_token;
  }
  const res = await page.request.fetch(path, { method, headers, data: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status(), body: (text ? JSON.parse(text) : undefined) as T };
}

test("the first admin sets up a fresh installation, organisations, units and a role, and revokes it", async ({ page }, testInfo) => {
  const address = setupAddress();
  // Without the code the page says what to do; it offers no form.
  await page.goto("/inrichten");
  await expect(page.getByRole("heading", { level: 1, name: "Leerweek inrichten" })).toBeVisible();
  await expect(page.getByText("bevat geen inrichtingscode")).toBeVisible();

  await page.goto(address);
  await expect(page.getByLabel(/Je naam/)).toBeVisible();
  await expectAccessible(page, "first run: the form");
  // An empty form gets the server's word at the field.
  await page.getByRole("button", { name: "Beheerder aanmaken en inloggen" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await expectAccessible(page, "first run: refused");
  await page.getByLabel(/Je naam/).fill("Anna de Vries");
  await page.getByLabel(/Je e-mailadres op het werk/).fill("anna.devries@sed.nl");
  await page.getByRole("button", { name: "Beheerder aanmaken en inloggen" }).click();
  await page.waitForURL((u) => u.pathname === "/beheer");
  await expect(page.getByRole("heading", { level: 1, name: "Beheer" })).toBeVisible();
  await expect(page.getByText("Anna de Vries")).toBeVisible();
  expect(page.url()).not.toContain("setup_");
  await expectAccessible(page, "console");
  await screenshots(page, testInfo, "beheer");

  // The address works once.
  await page.goto(address);
  await expect(page.getByText("Leerweek is hier al ingericht.")).toBeVisible();

  // Three organisations.
  await page.goto("/beheer");
  await page.getByRole("link", { name: "Organisaties" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Organisaties" })).toBeVisible();
  await expectAccessible(page, "organisations: empty");
  for (const name of ["Stede Broec", "Enkhuizen", "Drechterland"]) {
    await page.getByLabel(/^Naam/).fill(name);
    await page.getByRole("button", { name: "Organisatie toevoegen" }).click();
    await expect(page.getByText(`${name} is toegevoegd.`)).toBeVisible();
    await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
  }
  // A name taken (in another case) is refused at the field.
  await page.getByLabel(/^Naam/).fill("enkhuizen");
  await page.getByRole("button", { name: "Organisatie toevoegen" }).click();
  await expect(page.getByText("Deze naam is al in gebruik.").first()).toBeVisible();
  await expectAccessible(page, "organisations: three and a refusal");
  await screenshots(page, testInfo, "organisaties");

  // Units of Enkhuizen: two under one.
  await page.getByRole("link", { name: "Enkhuizen", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Enkhuizen" })).toBeVisible();
  await expect(page.getByText("Deze organisatie heeft nog geen afdelingen.")).toBeVisible();
  await expectAccessible(page, "organisation: no units");
  const units = page.getByRole("region", { name: "Afdelingen" }).or(page.locator("section[aria-labelledby=units-h]"));
  await units.getByLabel(/Naam van de afdeling/).first().fill("Sociaal domein");
  await units.getByRole("button", { name: "Afdeling toevoegen" }).click();
  await expect(page.getByText("Afdeling Sociaal domein is toegevoegd.")).toBeVisible();
  for (const name of ["Jeugd", "Wmo"]) {
    await units.getByLabel(/Naam van de afdeling/).first().fill(name);
    await units.getByLabel("Valt onder").first().selectOption({ label: "Sociaal domein" });
    await units.getByRole("button", { name: "Afdeling toevoegen" }).click();
    await expect(page.getByText(`Afdeling ${name} is toegevoegd.`)).toBeVisible();
  }
  await expect(units.locator(".lw-tree .lw-tree li")).toHaveCount(2);
  // Merge Wmo into Jeugd, after the question.
  await units.getByLabel("Afdeling", { exact: true }).selectOption({ label: "\u2003Wmo" });
  await units.getByLabel("Voeg samen met").selectOption({ label: "\u2003Jeugd" });
  await units.getByRole("button", { name: "Samenvoegen…" }).click();
  await expect(page.getByText("Wmo samenvoegen met Jeugd?")).toBeVisible();
  await expectAccessible(page, "organisation: merge question");
  await units.getByRole("button", { name: "Ja, samenvoegen" }).click();
  await expect(page.getByText(/Samengevoegd: 0 medewerkers/)).toBeVisible();
  await expect(units.locator(".lw-tree .lw-tree li")).toHaveCount(1);
  await expectAccessible(page, "organisation: units");
  await screenshots(page, testInfo, "organisatie");

  // Sign-in with the organisation's own provider: settings saved, the redirect address shown,
  // the secret never shown again.
  await page.getByRole("link", { name: /Inloggen met het account van deze organisatie/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Inloggen bij Enkhuizen" })).toBeVisible();
  await expect(page.getByText("Er is nog geen aanbieder ingesteld")).toBeVisible();
  await expectAccessible(page, "sign-in settings: none");
  await page.getByLabel(/Issuer/).fill("https://login.enkhuizen.test");
  await page.getByLabel(/Client-id/).fill("leerweek");
  await page.getByLabel(/Client secret/).fill("heel-geheim");
  await page.getByLabel(/Toegestane maildomeinen/).fill("enkhuizen.nl");
  await page.getByRole("button", { name: "Instellingen opslaan" }).click();
  await expect(page.getByText("De instellingen zijn opgeslagen.")).toBeVisible();
  await expect(page.getByText(/\/aanmelden\/sso\/callback/)).toBeVisible();
  await expect(page.getByText("Er is een geheim opgeslagen.", { exact: false })).toBeVisible();
  await expect(page.getByLabel(/Client secret/)).toHaveValue("");
  expect(await page.content()).not.toContain("heel-geheim");
  await expectAccessible(page, "sign-in settings: saved");
  await page.getByRole("link", { name: "Terug naar Enkhuizen" }).click();

  // Someone to make organiser (added through the API, as an import would).
  const orgs = await asBrowser<{ id: string; name: string }[]>(page, "GET", "/api/v1/organisations");
  const enkhuizen = orgs.body.find((o) => o.name === "Enkhuizen")!;
  const made = await asBrowser<{ id: string }>(page, "POST", "/api/v1/people", {
    email: "jan.visser@enkhuizen.nl", name: "Jan Visser", organisation_id: enkhuizen.id,
  });
  expect(made.status).toBe(201);
  const issued = await asBrowser<{ token: string }>(page, "POST", "/api/v1/tokens", { person_id: made.body.id, label: "Test" });
  expect(issued.status).toBe(201);
  const theirs = `/api/v1/people?organisation_id=${enkhuizen.id}`;
  expect((await asBrowser(page, "GET", theirs, undefined, issued.body.token)).status).toBe(403);

  // Find them by name, open their page, and make them organiser with the keyboard alone.
  await page.reload();
  await page.getByRole("searchbox", { name: /Zoek op naam/ }).fill("viss");
  await page.getByRole("button", { name: "Zoeken" }).click();
  await expect(page.getByText("1 medewerker", { exact: true })).toBeVisible();
  await page.getByRole("link", { name: "Jan Visser" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Jan Visser" })).toBeFocused();
  await expect(page.getByText("Test", { exact: true })).toBeVisible(); // the token's label
  await expectAccessible(page, "person: employee");
  await tabTo(page, "button", /^Maak organisator$/);
  await page.keyboard.press("Enter");
  await expect(page.getByText("Jan Visser is nu organisator.")).toBeVisible();
  expect((await asBrowser(page, "GET", theirs, undefined, issued.body.token)).status).toBe(200);
  await expectAccessible(page, "person: organiser");
  await screenshots(page, testInfo, "persoon");

  // Revoke it, after the question (keyboard again): the next request is refused.
  await tabTo(page, "button", /^Organisator intrekken/);
  await page.keyboard.press("Enter");
  await expect(page.getByText(/De rol organisator van Jan Visser intrekken\?/)).toBeVisible();
  await expectAccessible(page, "person: revoke question");
  await tabTo(page, "button", /^Ja, intrekken$/);
  await page.keyboard.press("Enter");
  await expect(page.getByText("De rol organisator is ingetrokken.")).toBeVisible();
  expect((await asBrowser(page, "GET", theirs, undefined, issued.body.token)).status).toBe(403);

  // Revoke the token itself: it stops working.
  await page.getByRole("button", { name: /^API-token van .* intrekken$/ }).click();
  await expect(page.getByText("De aanmelding is ingetrokken.")).toBeVisible();
  expect((await asBrowser(page, "GET", "/api/v1/me", undefined, issued.body.token)).status).toBe(401);
  await expectAccessible(page, "person: token revoked");

  // The organisers list of Enkhuizen is empty again.
  await page.getByRole("link", { name: "Terug naar Enkhuizen" }).click();
  await expect(page.getByRole("heading", { level: 3, name: "Organisatoren" })).toBeVisible();
});
