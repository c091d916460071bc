// The coordinator's walk (issue 22's "done when"), on an installation without any admin and
// without a CLI step: the first admin sets it up at the address the server printed, creates
// three organisations with units, imports 500 people from Excel (two bad rows refused, the fixed
// file imported), makes one organiser and one manager (by keyboard alone), connects Enkhuizen's
// own sign-in (a real OpenID provider, tests/support/oidc) and tests it; the organiser signs in
// through it and creates and publishes a week of the three organisations; an employee enrols;
// the admin sees the mail in the outbox, revokes the organiser's role (their next request is
// refused) and erases the employee (the audit shows the erase without name or address). axe
// checks every page and state on the way.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freshURL } from "../playwright.config";
import { expectAccessible, screenshots, tabTo } from "./support";
import { workbook } from "./xlsx";

const here = dirname(fileURLToPath(import.meta.url));
test.use({ baseURL: freshURL });

const CLIENT_ID = "leerweek-walk";
const CLIENT_SECRET = "walk-geheim-5d1c8e";
let idp: ChildProcess | undefined;
let issuer = "";

// Enkhuizen's own OpenID provider: the one the single sign-on tests use, with Leerweek's
// redirect address on this server registered.
test.beforeAll(async () => {
  const provider = resolve(here, "../../tests/support/oidc/provider.mjs");
  idp = spawn("node", [provider, `${freshURL}/aanmelden/sso/callback`, CLIENT_ID, CLIENT_SECRET], { stdio: ["ignore", "pipe", "inherit"] });
  issuer = await new Promise<string>((ok, fail) => {
    let seen = "";
    idp!.stdout!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const m = seen.match(/ready (\S+)/);
      if (m) ok(m[1]!);
    });
    idp!.on("exit", (code) => fail(new Error(`the OpenID provider stopped (${code}); run ./scripts/test to install it`)));
  });
});
test.afterAll(() => {
  idp?.kill();
});

/** Log in at the test provider's form as this person; it sends the browser back to Leerweek. */
async function atProvider(page: Page, email: string, name: string) {
  await page.waitForURL((u) => u.href.startsWith(issuer));
  await page.locator("input[name=email]").fill(email);
  await page.locator("input[name=name]").fill(name);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** Another person's browser, signed in through Enkhuizen's own sign-in. */
async function signInWithEnkhuizen(browser: Browser, email: string, name: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: freshURL, locale: "nl-NL", timezoneId: "Europe/Amsterdam" });
  const page = await context.newPage();
  await page.goto("/");
  await page.getByRole("link", { name: "Inloggen bij Enkhuizen" }).click();
  await atProvider(page, email, name);
  await page.waitForURL((u) => u.origin === freshURL && !u.pathname.startsWith("/aanmelden"));
  return page;
}

/** 500 employees of the three organisations, among them the walk's organiser, manager and
 * employee; with `bad`, row 102 has no address and row 302 an unknown organisation. */
function people(bad: boolean): string[][] {
  const rows = [["E-mailadres", "Volledige naam", "Organisatie", "Afdeling"]];
  const orgs = [["Enkhuizen", "enkhuizen.nl", "Jeugd"], ["Stede Broec", "stedebroec.nl", "Publiekszaken"], ["Drechterland", "drechterland.nl", "Ruimte"]];
  for (let i = 0; i < 497; i++) {
    const [org, domain, unit] = orgs[i % 3]!;
    rows.push([`medewerker${i}@${domain}`, `Medewerker ${i}`, org!, unit!]);
  }
  rows.push(["jan.visser@enkhuizen.nl", "Jan Visser", "Enkhuizen", "Sociaal domein"]);
  rows.push(["els.bakker@stedebroec.nl", "Els Bakker", "Stede Broec", "Publiekszaken"]);
  rows.push(["sanne.dewit@enkhuizen.nl", "Sanne de Wit", "Enkhuizen", "Jeugd"]);
  if (bad) {
    rows[102]![0] = "geen-adres";
    rows[302]![2] = "Onbekende gemeente";
  }
  return rows;
}

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

test("a coordinator runs a shared week from a fresh installation, in the browser alone", async ({ page, browser }, testInfo) => {
  test.setTimeout(300_000);
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

  // The other two get a unit each.
  for (const [org, unit] of [["Stede Broec", "Publiekszaken"], ["Drechterland", "Ruimte"]] as const) {
    await page.getByRole("link", { name: "Terug naar Organisaties" }).click();
    await page.getByRole("link", { name: org, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: org })).toBeVisible();
    await units.getByLabel(/Naam van de afdeling/).first().fill(unit);
    await units.getByRole("button", { name: "Afdeling toevoegen" }).click();
    await expect(page.getByText(`Afdeling ${unit} is toegevoegd.`)).toBeVisible();
  }

  // 500 people from Excel, by keyboard: the file with two bad rows is refused, the fixed one imported.
  await page.goto("/beheer");
  await tabTo(page, "link", /^Medewerkers importeren/);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Medewerkers importeren" })).toBeVisible();
  await expectAccessible(page, "import: empty");
  const xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  const file = page.getByLabel("Bestand", { exact: true });
  await file.setInputFiles({ name: "medewerkers.xlsx", mimeType: xlsx, buffer: workbook(people(true)) });
  await tabTo(page, "button", /^Bekijken$/);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Wat er gebeurt" })).toBeFocused();
  await expect(page.getByText("498 nieuw, 0 gewijzigd, 0 ongewijzigd, 2 ongeldig")).toBeVisible();
  const previewRows = page.getByRole("table").getByRole("row");
  await expect(previewRows.nth(1)).toContainText("E-mailadres: is geen e-mailadres");
  await expect(previewRows.nth(2)).toContainText("Organisatie: valt buiten de bekende organisaties");
  await expect(page.getByRole("button", { name: "Importeren" })).toBeDisabled();
  await expectAccessible(page, "import: two bad rows");
  await file.setInputFiles({ name: "medewerkers.xlsx", mimeType: xlsx, buffer: workbook(people(false)) });
  await tabTo(page, "button", /^Bekijken$/);
  await page.keyboard.press("Enter");
  await expect(page.getByText("500 nieuw, 0 gewijzigd, 0 ongewijzigd, 0 ongeldig")).toBeVisible();
  await tabTo(page, "button", /^Importeren$/);
  await page.keyboard.press("Enter");
  await expect(page.getByText("Geïmporteerd: 500 nieuw, 0 gewijzigd, 0 ongewijzigd, 0 vertrokken.")).toBeVisible();
  await expectAccessible(page, "import: done");

  // Jan Visser of Enkhuizen becomes organiser and Els Bakker of Stede Broec manager, by keyboard.
  const orgs = await asBrowser<{ id: string; name: string }[]>(page, "GET", "/api/v1/organisations");
  const enkhuizen = orgs.body.find((o) => o.name === "Enkhuizen")!;
  for (const [org, who, role] of [["Enkhuizen", "Jan Visser", "organisator"], ["Stede Broec", "Els Bakker", "manager"]] as const) {
    await page.goto("/beheer/organisaties");
    await page.getByRole("link", { name: org, exact: true }).click();
    await page.getByRole("searchbox", { name: /Zoek op naam/ }).fill(who.split(" ")[1]!);
    await page.getByRole("button", { name: "Zoeken" }).click();
    await expect(page.getByText("1 medewerker", { exact: true })).toBeVisible();
    await page.getByRole("link", { name: who }).click();
    await expect(page.getByRole("heading", { level: 1, name: who })).toBeFocused();
    await tabTo(page, "button", new RegExp(`^Maak ${role}$`));
    await page.keyboard.press("Enter");
    await expect(page.getByText(`${who} is nu ${role}.`)).toBeVisible();
    await expectAccessible(page, `person: ${role}`);
  }
  await screenshots(page, testInfo, "persoon");

  // Enkhuizen's own sign-in: settings saved (the secret never shown again), then tested with
  // Jan's account at the provider: it works, says what came back, and signs nobody in.
  await page.goto(`/beheer/organisaties/${enkhuizen.id}`);
  await page.getByRole("link", { name: /Inloggen met het account van deze organisatie/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Inloggen bij Enkhuizen" })).toBeVisible();
  await expect(page.getByText("Er is nog geen aanbieder ingesteld")).toBeVisible();
  await expect(page.getByText(/Sla eerst instellingen op/)).toBeVisible();
  await expectAccessible(page, "sign-in settings: none");
  await page.getByLabel(/Issuer/).fill(issuer);
  await page.getByLabel(/Client-id/).fill(CLIENT_ID);
  await page.getByLabel(/Client secret/).fill(CLIENT_SECRET);
  await page.getByLabel(/Toegestane maildomeinen/).fill("enkhuizen.nl");
  await page.getByRole("button", { name: "Instellingen opslaan" }).click();
  await expect(page.getByText("De instellingen zijn opgeslagen.")).toBeVisible();
  await expect(page.getByText(/\/aanmelden\/sso\/callback/)).toBeVisible();
  await expect(page.getByText("Er is een geheim opgeslagen.", { exact: false })).toBeVisible();
  await expect(page.getByLabel(/Client secret/)).toHaveValue("");
  await expect(page.getByText(/Nog niet getest/)).toBeVisible();
  await expectAccessible(page, "sign-in settings: saved");
  await page.getByRole("button", { name: "Test aanmelding" }).click();
  await atProvider(page, "jan.visser@enkhuizen.nl", "Jan Visser");
  await page.waitForURL((u) => u.pathname === `/beheer/organisaties/${enkhuizen.id}/inloggen`);
  await expect(page.getByText("De test is klaar. De uitkomst staat hieronder.")).toBeVisible();
  await expect(page.getByText("Geslaagd", { exact: true })).toBeVisible();
  await expect(page.getByText(/bij de eerste echte aanmelding wordt het account aan die persoon gekoppeld/)).toBeVisible();
  await expect(page.locator("dd", { hasText: "jan.visser@enkhuizen.nl" }).first()).toBeVisible();
  expect(await page.content()).not.toContain(CLIENT_SECRET);
  const me = await asBrowser<{ name: string }>(page, "GET", "/api/v1/me");
  expect(me.body.name).toBe("Anna de Vries"); // the test signed nobody else in
  await expectAccessible(page, "sign-in settings: tested");
  await screenshots(page, testInfo, "inloggen-getest");
  // Enkhuizen's people sign in only through it from now on (admins keep the mail link).
  await page.getByLabel("Medewerkers van Enkhuizen mogen inloggen met een link per mail").uncheck();
  await page.getByRole("button", { name: "Keuze opslaan" }).click();
  await expect(page.getByText(/Medewerkers loggen nu alleen in via de eigen aanbieder/)).toBeVisible();
  await expectAccessible(page, "sign-in settings: mail links off");

  // The organiser signs in through Enkhuizen's own sign-in and sets up the shared week.
  const jan = await signInWithEnkhuizen(browser, "jan.visser@enkhuizen.nl", "Jan Visser");
  await jan.getByRole("link", { name: "Organiseren" }).click();
  await expect(jan.getByRole("heading", { level: 1, name: "Organiseren" })).toBeVisible();
  await jan.getByLabel(/^Naam/).fill("Meester in je Werk-week 2027");
  await jan.getByLabel(/^Eerste dag/).fill("2027-11-15");
  await jan.getByLabel(/^Laatste dag/).fill("2027-11-19");
  await jan.getByLabel(/^Inschrijving opent/).fill("2026-01-01T09:00");
  await jan.getByLabel(/^Inschrijving sluit/).fill("2027-11-10T17:00");
  for (const org of ["Enkhuizen", "Stede Broec", "Drechterland"]) await jan.getByRole("checkbox", { name: org }).check();
  await jan.getByRole("button", { name: "Leerweek aanmaken" }).click();
  await expect(jan.getByRole("heading", { level: 1, name: "Meester in je Werk-week 2027" })).toBeVisible();
  await expectAccessible(jan, "organiser: week created");
  await jan.getByLabel(/^Titel/).fill("Schrijven in begrijpelijke taal");
  await jan.getByLabel(/^Omschrijving/).fill("Brieven die iedereen snapt: B1, korte zinnen, actieve vorm.");
  await jan.getByLabel(/^Thema/).fill("vaardigheden");
  const host = jan.getByLabel(/^Aangeboden door/);
  if ((await host.count()) > 0) await host.selectOption({ label: "Enkhuizen" });
  await jan.getByRole("button", { name: "Workshop toevoegen" }).click();
  await expect(jan.getByRole("heading", { level: 1, name: "Schrijven in begrijpelijke taal" })).toBeVisible();
  await jan.getByLabel(/^Begin/).fill("2027-11-16T10:00");
  await jan.getByLabel(/^Einde/).fill("2027-11-16T12:00");
  await jan.getByLabel(/^Aantal plaatsen/).fill("12");
  await jan.getByLabel(/^Locatie/).fill("Stadhuis Enkhuizen, raadzaal");
  await jan.getByRole("button", { name: "Sessie toevoegen" }).click();
  await expect(jan.getByText(/De sessie van .* is toegevoegd/)).toBeVisible();
  await jan.getByRole("link", { name: /Terug naar Meester in je Werk-week 2027/ }).click();
  await jan.getByRole("button", { name: "Publiceren" }).click();
  await jan.getByRole("button", { name: "Ja, publiceren" }).click();
  await expect(jan.getByText("De leerweek is gepubliceerd.")).toBeVisible();
  await expectAccessible(jan, "organiser: week published");
  const theirs = `/api/v1/people?organisation_id=${enkhuizen.id}`;
  expect((await jan.request.get(theirs)).status()).toBe(200);

  // An employee of Enkhuizen signs in the same way and enrols.
  const sanne = await signInWithEnkhuizen(browser, "sanne.dewit@enkhuizen.nl", "Sanne de Wit");
  await sanne.goto("/");
  await sanne.getByRole("link", { name: "Schrijven in begrijpelijke taal" }).first().click();
  await sanne.getByRole("button", { name: "Inschrijven" }).click();
  await expect(sanne.getByText("Je bent ingeschreven. Je krijgt een bevestiging")).toBeVisible();
  await expectAccessible(sanne, "employee: enrolled");

  // The admin sees her confirmation in the outbox.
  await page.goto("/beheer/mail");
  await expect(page.getByRole("heading", { level: 1, name: "Mail" })).toBeVisible();
  const confirmation = page.getByRole("row").filter({ hasText: "Sanne de Wit" }).filter({ hasText: "Inschrijving bevestigd" });
  await expect(confirmation).toHaveCount(1);
  await expectAccessible(page, "mail: the confirmation");
  await screenshots(page, testInfo, "mail");

  // Revoke Jan's organiser role, by keyboard: his next request is refused.
  await page.goto("/beheer/organisaties");
  await page.getByRole("link", { name: "Enkhuizen", exact: true }).click();
  await page.getByRole("searchbox", { name: /Zoek op naam/ }).fill("Visser");
  await page.getByRole("button", { name: "Zoeken" }).click();
  await expect(page.getByRole("list", { name: "Organisatoren" }).getByRole("link", { name: "Jan Visser" })).toBeVisible();
  await page.getByRole("table", { name: "Medewerkers" }).getByRole("link", { name: "Jan Visser" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Jan Visser" })).toBeFocused();
  await tabTo(page, "button", /^Organisator intrekken/);
  await page.keyboard.press("Enter");
  await expect(page.getByText(/De rol organisator van Jan Visser intrekken\?/)).toBeVisible();
  await expectAccessible(page, "person: revoke question");
  await tabTo(page, "button", /^Ja, intrekken$/);
  await page.keyboard.press("Enter");
  await expect(page.getByText("De rol organisator is ingetrokken.")).toBeVisible();
  expect((await jan.request.get(theirs)).status()).toBe(403);
  await expectAccessible(page, "person: role revoked");
  // His browser session is listed among his sign-ins; revoked, it stops working at once.
  await page.getByRole("button", { name: /^Browser van .* intrekken$/ }).click();
  await expect(page.getByText("De aanmelding is ingetrokken.")).toBeVisible();
  expect((await jan.request.get("/api/v1/me")).status()).toBe(401);
  await expectAccessible(page, "person: sign-in revoked");

  // Erase Sanne on request; the audit shows the erase, without her name or address.
  await page.goto("/beheer/privacy");
  await page.getByRole("searchbox", { name: /Zoek een persoon/ }).fill("sanne");
  await page.getByRole("button", { name: "Zoeken" }).click();
  await page.getByRole("button", { name: "Kies Sanne de Wit, sanne.dewit@enkhuizen.nl" }).click();
  await page.getByRole("button", { name: "Wis deze persoon" }).click();
  await expect(page.getByText("Sanne de Wit wissen?")).toBeVisible();
  await expectAccessible(page, "privacy: erase question");
  await page.getByRole("button", { name: "Ja, wis deze persoon" }).click();
  await expect(page.getByText("De persoon is gewist. In het auditlog staat alleen het id.")).toBeVisible();
  expect((await sanne.request.get("/api/v1/me")).status()).toBe(401);
  await page.goto("/beheer/audit");
  await page.getByLabel("Wat").selectOption("person.erase");
  await page.getByRole("button", { name: "Filter toepassen" }).click();
  await expect(page.getByRole("row").filter({ hasText: "Persoon gewist" })).toHaveCount(1);
  await expectAccessible(page, "audit: the erase");
  const audit = await page.content();
  expect(audit).not.toContain("Sanne");
  expect(audit).not.toContain("sanne.dewit");
  const everything = await asBrowser<unknown>(page, "GET", "/api/v1/admin/audit?per_page=200");
  expect(JSON.stringify(everything.body)).not.toContain("sanne.dewit@enkhuizen.nl");
  await screenshots(page, testInfo, "audit");
  await jan.context().close();
  await sanne.context().close();
});
