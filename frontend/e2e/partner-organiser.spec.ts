// A partner municipality's organiser (the demo organiser of Enkhuizen): no page of theirs shows an
// error box or an action the API would refuse. Another municipality's session opens read-only;
// their own session offers what they may do. In a week another municipality leads they change
// nothing of the week and may leave it. The week, workshops and sessions say what the person may
// (`may`); the pages follow. axe checks each page.
import { expect, test, type Page } from "@playwright/test";
import { call, expectAccessible, personas, screenshots, signIn, type ProgrammeItem } from "./support";

type May = Record<string, boolean | string[]>;

/** No error box and no refusal anywhere, once the page has loaded what it asks for. */
async function expectNoError(page: Page, state: string) {
  await page.waitForLoadState("networkidle");
  await expect(page.locator(".lw-loading, [aria-busy='true']"), `${state}: still loading`).toHaveCount(0);
  await expect(page.locator(".utrecht-alert--error"), `${state}: an error box`).toHaveCount(0);
  await expect(page.getByText("Je rol staat deze handeling niet toe."), `${state}: a refusal`).toHaveCount(0);
}

test("a partner municipality's organiser sees only what they may do in the shared week", async ({ page, request }, testInfo) => {
  const { organisator } = personas();
  const token = organisator.token;
  const me = await call<{ organisation_id: string }>(request, token, "GET", "/api/v1/me");
  const orgs = await call<{ id: string; name: string }[]>(request, token, "GET", "/api/v1/organisations");
  const nuenen = orgs.find((o) => o.name === "Nuenen")!;
  expect(nuenen, "Nuenen in the demo").toBeTruthy();
  expect(me.organisation_id).not.toBe(nuenen.id);
  const events = await call<{ id: string; name: string; organisation_ids: string[]; may: May }[]>(request, token, "GET", "/api/v1/events");
  const week = events.find((e) => /^Meester in je Werk-week/.test(e.name))!;
  expect(week.organisation_ids).toContain(nuenen.id);
  // The API's word for this organiser: their own workshops only, none of Nuenen's.
  expect(week.may.manage_workshops_of).toEqual([me.organisation_id]);
  const programme = await call<{ sessions: (ProgrammeItem & { confirmed_count: number })[] }>(request, token, "GET", `/api/v1/events/${week.id}/programme`);
  const own = programme.sessions.find((s) => s.host_organisation_id === me.organisation_id)!;
  const other = programme.sessions.find((s) => s.host_organisation_id === nuenen.id)!;
  expect(own, "a session Enkhuizen hosts").toBeTruthy();
  expect(other, "a session Nuenen hosts").toBeTruthy();

  await signIn(page, "organisator");
  // Every page the navigation offers opens without an error.
  const nav = page.getByRole("navigation", { name: /Hoofdmenu|menu/i });
  // The navigation appears once the app knows who this is.
  await expect(nav.getByRole("link", { name: "Organiseren" })).toBeVisible();
  const names = (await nav.getByRole("link").allTextContents()).map((n) => n.trim());
  expect(names).toContain("Organiseren");
  expect(names).not.toContain("Beheer");
  for (const name of names) {
    await nav.getByRole("link", { name, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNoError(page, `nav: ${name}`);
  }
  await page.getByRole("link", { name: "Organiseren" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Organiseren" })).toBeVisible();
  await expectNoError(page, "overview");
  await expectAccessible(page, "overview");

  // The week: status changes only as far as `may` allows; others' workshops marked.
  await page.getByRole("link", { name: week.name }).click();
  await expect(page.getByRole("heading", { level: 1, name: week.name })).toBeVisible();
  await expect(page.getByRole("table")).toBeVisible();
  await expectNoError(page, "week");
  await expect(page.getByRole("button", { name: "Inschrijving sluiten" })).toHaveCount(week.may.set_status ? 1 : 0);
  await expect(page.getByRole("heading", { name: "Gegevens van de leerweek" })).toHaveCount(week.may.edit ? 1 : 0);
  const row = (title: string) => page.getByRole("row").filter({ has: page.getByRole("link", { name: title, exact: true }) });
  await expect(row(other.title).getByText("Alleen bekijken")).toBeVisible();
  await expect(row(own.title).getByText("Alleen bekijken")).toHaveCount(0);
  await expectAccessible(page, "week");
  await screenshots(page, testInfo, "week-als-partner");
  await page.getByRole("checkbox", { name: "Alleen workshops die je beheert" }).check();
  await expect(page.getByText("Alleen bekijken")).toHaveCount(0);
  await expect(row(own.title)).toBeVisible();
  await expectAccessible(page, "week, own workshops only");

  // Nuenen's workshop and session: read-only, nothing to press, nothing to download.
  await page.goto(`/organiseren/workshops/${other.workshop_id}`);
  await expect(page.getByRole("heading", { level: 1, name: other.title })).toBeVisible();
  await expect(page.getByText(/Deze workshop wordt aangeboden door Nuenen/)).toBeVisible();
  await expectNoError(page, "Nuenen's workshop");
  await expect(page.getByRole("button")).toHaveCount(await page.locator("header button, footer button").count());
  await expect(page.getByRole("heading", { name: /Nieuwe sessie|Gegevens van de workshop|Workshop annuleren/ })).toHaveCount(0);
  await expectAccessible(page, "Nuenen's workshop");

  await page.goto(`/organiseren/sessies/${other.session_id}`);
  await expect(page.getByRole("heading", { level: 2, name: "Over deze sessie" })).toBeVisible();
  await expectNoError(page, "Nuenen's session");
  const facts = page.locator(".lw-facts");
  await expect(facts).toContainText("Nuenen");
  await expect(facts).toContainText(`${other.confirmed_count} van ${other.capacity} plaatsen bezet`);
  // Whom to ask: Nuenen's organisers, with their addresses.
  const contacts = await call<{ name: string; email: string }[]>(request, token, "GET", `/api/v1/sessions/${other.session_id}/contacts`);
  expect(contacts.length).toBeGreaterThan(0);
  for (const c of contacts) await expect(facts.getByRole("link", { name: c.email })).toHaveAttribute("href", `mailto:${c.email}`);
  await expect(page.getByRole("link", { name: "Aanmelden bij de deur" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: /CSV/ })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: /^Deelnemers|^Wachtlijst|Aanwezigheid|Bericht aan de deelnemers|Sessie verplaatsen|Aantal plaatsen|Sessie annuleren/ })).toHaveCount(0);
  await expect(page.getByRole("button")).toHaveCount(await page.locator("header button, footer button").count());
  await expectAccessible(page, "Nuenen's session");
  await screenshots(page, testInfo, "sessie-van-een-andere-gemeente");

  // Typed straight into the address bar, the check-in of Nuenen's session reads no list.
  await page.goto(`/organiseren/sessies/${other.session_id}/aanmelden`);
  await expect(page.getByText(/Bij deze sessie meld je niemand aan/)).toBeVisible();
  await expectNoError(page, "Nuenen's check-in");
  await expect(page.getByRole("textbox")).toHaveCount(0);
  await expectAccessible(page, "Nuenen's check-in");

  // Their own session offers what they may do, without an error.
  const mine = await call<{ may: May }>(request, token, "GET", `/api/v1/sessions/${own.session_id}`);
  expect(Object.values(mine.may).every((v) => v === true)).toBe(true);
  await page.goto(`/organiseren/sessies/${own.session_id}`);
  await expect(page.getByRole("heading", { level: 2, name: /^Deelnemers \(\d+\)$/ })).toBeVisible();
  await expectNoError(page, "own session");
  await expect(page.getByRole("link", { name: "Aanmelden bij de deur" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Download de lijst (CSV)" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Sessie annuleren" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Over deze sessie" })).toHaveCount(0);
  await expectAccessible(page, "own session");
});

test("in a week another municipality leads, a partner's organiser changes nothing of the week and may leave it", async ({ page, request }) => {
  const { organisator, beheerder } = personas();
  const me = await call<{ organisation_id: string }>(request, organisator.token, "GET", "/api/v1/me");
  const orgs = await call<{ id: string; name: string }[]>(request, organisator.token, "GET", "/api/v1/organisations");
  const nuenen = orgs.find((o) => o.name === "Nuenen")!;
  const day = new Date(Date.now() + 40 * 86400_000).toISOString().slice(0, 10);
  const name = `Gedeelde week van Nuenen ${Date.now()}`;
  const week = await call<{ id: string; lead_organisation_id: string; may: May }>(request, beheerder.token, "POST", "/api/v1/events", {
    name, starts_on: day, ends_on: day, enrolment_opens_at: new Date().toISOString(),
    enrolment_closes_at: new Date(Date.now() + 30 * 86400_000).toISOString(),
    organisation_ids: [nuenen.id, me.organisation_id], lead_organisation_id: nuenen.id,
  });
  expect(week.lead_organisation_id).toBe(nuenen.id);
  const seen = await call<{ may: May & { leave: string | null } }>(request, organisator.token, "GET", `/api/v1/events/${week.id}`);
  expect([seen.may.edit, seen.may.set_status, seen.may.leave]).toEqual([false, false, me.organisation_id]);

  await signIn(page, "organisator");
  await page.goto(`/organiseren/weken/${week.id}`);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expectNoError(page, "partner week");
  await expect(page.getByRole("listitem").filter({ hasText: "leidt de week" })).toHaveText(/^Nuenen/);
  await expect(page.getByRole("button", { name: "Publiceren" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Inschrijving sluiten" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Gegevens van de leerweek" })).toHaveCount(0);
  await expectAccessible(page, "partner week");
  await page.getByRole("button", { name: "Week verlaten" }).click();
  await expectAccessible(page, "leave confirmation");
  await page.getByRole("button", { name: "Ja, week verlaten" }).click();
  await expect(page.getByText(`Je organisatie heeft ‘${name}’ verlaten.`)).toBeVisible();
  await expect(page.getByRole("link", { name })).toHaveCount(0);
  const after = await call<{ organisation_ids: string[] }>(request, beheerder.token, "GET", `/api/v1/events/${week.id}`);
  expect(after.organisation_ids).toEqual([nuenen.id]);
});
