// Certificates, reflections and the portfolio: an employee took part in a session (the scene is
// set through the API: a week around today, a session she enrols in while it is still to come,
// then moved into the past by the admin, as an organiser may move a session within its week);
// the organiser marks her present at the door; she downloads her certificate on "Mijn
// ontwikkeling", and its code checks out on the public verification page (the QR address); she
// writes and shares a reflection with the keyboard alone; a wanted skill brings a suggestion;
// her manager reads only what she shared; the organiser revokes the certificate and the
// verification page says so. axe checks every new page and state.
import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { baseURL } from "../playwright.config";
import { call, expectAccessible, personas, screenshots, signIn, tabTo } from "./support";

test.describe.configure({ mode: "serial" });

// The week set up here is on today, so the app would show it first: closed and archived at the
// end, the specs that follow see the demo week again (the portfolio keeps what happened in it).
test.afterAll(async ({ playwright }) => {
  if (!scene.eventId) return;
  const request = await playwright.request.newContext({ baseURL });
  const { beheerder } = personas();
  await call(request, beheerder.token, "POST", `/api/v1/events/${scene.eventId}/close`, {}, [200, 409]);
  await call(request, beheerder.token, "POST", `/api/v1/events/${scene.eventId}/archive`, {}, [200, 409]);
  await request.dispose();
});

const amsterdamDay = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam" }).format(d);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

interface Portfolio {
  name: string;
  sessions: { enrolment_id: string; session_id: string; workshop_title: string; attendance: string | null; minutes: number; certificate_code: string | null }[];
  years: { year: number; sessions: number; minutes: number }[];
  suggestions: { session_id: string; workshop_title: string; skills: { id: string }[] }[];
}

const TITLE = "Vergaderen met impact";
const NEXT = "Helder schrijven voor iedereen";
const SKILL = "Beknopt formuleren";

/** What the spec set up, shared by the tests that follow (they run in order). */
const scene = {
  eventId: "",
  sessionId: "",
  enrolmentId: "",
  nextSessionId: "",
  skillId: "",
  employee: { id: "", name: "" },
  code: "",
};

/** "6,5": minutes as the page writes hours. */
const hours = (minutes: number) => new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 1 }).format(Math.round(minutes / 6) / 10);

/** Press Shift+Tab until `target` has the focus (fails after 80 presses). */
async function backTo(page: Page, target: ReturnType<Page["locator"]>) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Shift+Tab");
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error("could not reach the field with Shift+Tab");
}

async function myRow(page: Page) {
  return page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: new RegExp(`^${escape(TITLE)}`) }) });
}

test("(a) the organiser marks an employee present at a session that took place", async ({ page, request }) => {
  const { organisator, medewerker, beheerder } = personas();
  const organiser = await call<{ organisation_id: string }>(request, organisator.token, "GET", "/api/v1/me");
  const employee = await call<{ id: string; name: string; organisation_id: string }>(request, medewerker.token, "GET", "/api/v1/me");
  scene.employee = { id: employee.id, name: employee.name };

  // A week from yesterday to three days ahead, attendance closed by hand (no automatic no-shows).
  const now = new Date();
  const event = await call<{ id: string }>(request, beheerder.token, "POST", "/api/v1/events", {
    name: "Week van het bewijs",
    starts_on: amsterdamDay(new Date(now.getTime() - 86_400_000)),
    ends_on: amsterdamDay(new Date(now.getTime() + 3 * 86_400_000)),
    enrolment_opens_at: new Date(now.getTime() - 3_600_000).toISOString(),
    enrolment_closes_at: new Date(now.getTime() + 2 * 86_400_000).toISOString(),
    cancellation_deadline_hours: 0,
    no_show_policy: "on_close",
    organisation_ids: [...new Set([organiser.organisation_id, employee.organisation_id])],
  });
  scene.eventId = event.id;
  // A skill no demo workshop teaches, for the suggestion later.
  const skill = await call<{ id: string }>(request, beheerder.token, "POST", "/api/v1/skills", { name_nl: SKILL, name_en: "Writing concisely" });
  scene.skillId = skill.id;
  const workshop = await call<{ id: string }>(request, beheerder.token, "POST", `/api/v1/events/${event.id}/workshops`, {
    title: TITLE, description: "Korter, scherper, met besluiten.", theme: "vaardigheden", host_organisation_id: organiser.organisation_id,
  });
  const next = await call<{ id: string }>(request, beheerder.token, "POST", `/api/v1/events/${event.id}/workshops`, {
    title: NEXT, description: "Schrijven in begrijpelijke taal.", theme: "vaardigheden", host_organisation_id: organiser.organisation_id,
    skills: [skill.id],
  });
  // Enrolment needs a session still to come: it starts in twenty minutes, for an hour.
  const start = new Date(Math.ceil((now.getTime() + 20 * 60_000) / 60_000) * 60_000);
  const session = await call<{ id: string }>(request, beheerder.token, "POST", `/api/v1/workshops/${workshop.id}/sessions`, {
    starts_at: start.toISOString(), ends_at: new Date(start.getTime() + 3_600_000).toISOString(), capacity: 10,
    location: { venue: "Stadhuis", room: "Zaal 3", address: null },
  });
  scene.sessionId = session.id;
  const tomorrow = new Date(`${amsterdamDay(new Date(now.getTime() + 86_400_000))}T08:00:00Z`);
  const later = await call<{ id: string }>(request, beheerder.token, "POST", `/api/v1/workshops/${next.id}/sessions`, {
    starts_at: tomorrow.toISOString(), ends_at: new Date(tomorrow.getTime() + 5_400_000).toISOString(), capacity: 10,
    location: { venue: "Stadhuis", room: "Zaal 4", address: null },
  });
  scene.nextSessionId = later.id;
  await call(request, beheerder.token, "POST", `/api/v1/events/${event.id}/publish`, {});
  await call(request, medewerker.token, "POST", `/api/v1/sessions/${session.id}/enrolments`, {});
  const agenda = await call<{ items: { id: string; session_id: string }[] }>(request, medewerker.token, "GET", "/api/v1/me/enrolments");
  scene.enrolmentId = agenda.items.find((i) => i.session_id === session.id)!.id;
  // Before it took place, there is nothing to reflect on.
  await call(request, medewerker.token, "PUT", `/api/v1/enrolments/${scene.enrolmentId}/reflection`, { learned: "x", will_do: "" }, [409]);
  // It took place: from two hours ago to an hour ago (a move within the week's days).
  const began = new Date(Math.floor((now.getTime() - 2 * 3_600_000) / 60_000) * 60_000);
  await call(request, beheerder.token, "PATCH", `/api/v1/sessions/${session.id}`, {
    starts_at: began.toISOString(), ends_at: new Date(began.getTime() + 3_600_000).toISOString(),
  });

  // The organiser, at the door: her name, one tap.
  await signIn(page, "organisator");
  await page.goto(`/organiseren/sessies/${session.id}/aanmelden`);
  await expect(page.getByText("0 van 1 aanwezig")).toBeVisible();
  await page.getByLabel("Zoek op naam").fill(employee.name.split(" ")[0]!);
  await page.getByRole("button", { name: new RegExp(escape(employee.name)) }).first().click();
  await expect(page.getByText("1 van 1 aanwezig")).toBeVisible();

  // The session's page: the certificates section, none issued yet.
  await page.goto(`/organiseren/sessies/${session.id}`);
  const section = page.getByRole("region", { name: "Bewijzen van deelname" });
  await expect(section.getByText("Nog geen bewijzen uitgegeven.")).toBeVisible();
  await expect(section.getByRole("link", { name: "Alle bewijzen downloaden (zip)" })).toBeVisible();
  await expectAccessible(page, "organiser: certificates, none issued");
});

test("(a) she downloads her certificate and its code checks out on the verification page", async ({ page, request }) => {
  const { medewerker } = personas();
  await signIn(page, "medewerker");
  await page.goto("/mijn-ontwikkeling");
  const participation = page.getByRole("region", { name: "Mijn deelname" });
  const row = await myRow(page);
  await expect(row).toBeVisible();
  const before = await call<Portfolio>(request, medewerker.token, "GET", "/api/v1/me/portfolio");
  const taken = before.sessions.find((s) => s.enrolment_id === scene.enrolmentId)!;
  expect(taken).toMatchObject({ attendance: "present", certificate_code: null });
  expect(taken.minutes).toBeGreaterThan(0);
  await expect(row.getByRole("cell", { name: "Aanwezig", exact: true })).toBeVisible();
  await expect(row.getByRole("cell", { name: hours(taken.minutes), exact: true })).toBeVisible();
  await expect(row.getByText("De code komt er na je eerste download.")).toBeVisible();
  // Hours per year, as the server counts them.
  const year = before.years.find((y) => y.year === new Date().getFullYear()) ?? before.years[0]!;
  await expect(participation.getByRole("listitem").filter({ hasText: `${year.year}: ${year.sessions} ${year.sessions === 1 ? "sessie" : "sessies"}, ${hours(year.minutes)} uur` })).toBeVisible();
  await expectAccessible(page, "my development with a session taken part in");

  // The PDF, through the page's link (the session cookie, no token).
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    row.getByRole("link", { name: /^Bewijs van deelname \(pdf\)/ }).click(),
  ]);
  const bytes = readFileSync((await download.path())!);
  expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect(download.suggestedFilename()).toMatch(/^bewijs-van-deelname-[0-9A-Z]{12}\.pdf$/);
  // The Open Badge is there too.
  const badge = await page.request.get(`/api/v1/enrolments/${scene.enrolmentId}/certificate.json`);
  expect(badge.status()).toBe(200);
  expect(JSON.stringify(await badge.json())).toContain("OpenBadgeCredential");

  // The code appears on the page once issued.
  const codeText = row.getByText(/^Code [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await expect(codeText).toBeVisible();
  scene.code = (await codeText.textContent())!.replace(/^Code /, "");
  const after = await call<Portfolio>(request, medewerker.token, "GET", "/api/v1/me/portfolio");
  expect(after.sessions.find((s) => s.enrolment_id === scene.enrolmentId)!.certificate_code).toBe(scene.code);
  await expectAccessible(page, "my development with a certificate issued");
  await page.screenshot({ path: "/tmp/mijn-ontwikkeling-portfolio.png", fullPage: true });

  // The QR code's address, in the browser: genuine, and for her.
  await page.goto(`/verificatie/${scene.code}`);
  await expect(page.getByRole("heading", { level: 1, name: "Bewijs van deelname controleren" })).toBeVisible();
  await expect(page.getByText("Dit bewijs van deelname is echt en geldig.")).toBeVisible();
  await expect(page.getByText(scene.employee.name, { exact: true })).toBeVisible();
  await expect(page.getByText(TITLE, { exact: true })).toBeVisible();
  await expectAccessible(page, "verification page, valid");
  await page.screenshot({ path: "/tmp/verificatie.png", fullPage: true });
});

test("(b) she writes and shares a reflection with the keyboard alone, from the mail's link", async ({ page, request }) => {
  const { medewerker } = personas();
  await page.goto("/demo");
  await tabTo(page, "button", /^medewerker/);
  await page.keyboard.press("Enter");
  await page.waitForURL((u) => u.pathname === "/");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

  // The feedback mail's link lands on the reflection, with the focus on its heading.
  await page.goto(`/mijn-ontwikkeling#reflectie-${scene.enrolmentId}`);
  const heading = page.locator(`#reflectie-${scene.enrolmentId}`);
  await expect(heading).toBeFocused();
  await expect(heading).toHaveText(new RegExp(`^${escape(TITLE)} \\(`));
  const card = page.getByRole("article", { name: new RegExp(`^${escape(TITLE)}`) });
  await expect(card.getByText("Nog geen reflectie geschreven.")).toBeVisible();

  // Saving nothing: the server's word next to the field.
  await page.keyboard.press("Tab");
  await expect(card.getByRole("textbox", { name: "Wat heb ik geleerd?" })).toBeFocused();
  await tabTo(page, "button", new RegExp(`^Reflectie opslaan \\(${escape(TITLE)}\\)$`));
  await page.keyboard.press("Enter");
  await expect(card.getByRole("alert")).toContainText("Je reflectie is niet opgeslagen.");
  await expect(card.getByRole("textbox", { name: "Wat heb ik geleerd?" })).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page, "reflection refused (empty)");

  const learned = "Een agenda met besluiten erop maakt een vergadering korter.";
  const willDo = "Volgende week stuur ik de agenda vooraf rond.";
  await backTo(page, card.getByRole("textbox", { name: "Wat heb ik geleerd?" }));
  await page.keyboard.type(learned);
  await expect(card.getByText(`${learned.length} van 2.000 tekens`)).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(card.getByRole("textbox", { name: "Wat ga ik ermee doen?" })).toBeFocused();
  await page.keyboard.type(willDo);
  await page.keyboard.press("Tab");
  const share = card.getByRole("checkbox", { name: "Deel met mijn leidinggevende" });
  await expect(share).toBeFocused();
  await expect(card.getByText(/Zonder vinkje is je reflectie privé/)).toBeVisible();
  await page.keyboard.press("Space");
  await expect(share).toBeChecked();
  await page.keyboard.press("Tab");
  await expect(card.getByRole("button", { name: new RegExp(`^Reflectie opslaan`) })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(card.getByText("Je reflectie is opgeslagen en gedeeld met je leidinggevende.")).toBeVisible();
  await expect(card.getByText(/^Gedeeld met je leidinggevende\. Laatst opgeslagen op/)).toBeVisible();
  await expectAccessible(page, "reflection saved and shared");

  const saved = await call<{ learned: string; will_do: string; shared_with_manager: boolean }>(
    request, medewerker.token, "GET", `/api/v1/enrolments/${scene.enrolmentId}/reflection`);
  expect(saved).toMatchObject({ learned, will_do: willDo, shared_with_manager: true });

  await page.reload();
  const again = page.getByRole("article", { name: new RegExp(`^${escape(TITLE)}`) });
  await expect(again.getByRole("textbox", { name: "Wat heb ik geleerd?" })).toHaveValue(learned);
  await expect(again.getByRole("textbox", { name: "Wat ga ik ermee doen?" })).toHaveValue(willDo);
  await expect(again.getByRole("checkbox", { name: "Deel met mijn leidinggevende" })).toBeChecked();
});

test("(c) a wanted skill brings a suggestion for a session to come that teaches it", async ({ page, request }) => {
  const { medewerker } = personas();
  await call(request, medewerker.token, "PUT", "/api/v1/me/skills", { have: [], want: [] });
  await signIn(page, "medewerker");
  await page.goto("/mijn-ontwikkeling");
  const suggestions = page.getByRole("region", { name: "Suggesties" });
  await expect(suggestions.getByText("Kies vaardigheden waarin je wilt groeien, dan tonen we hier sessies die daarbij passen.")).toBeVisible();
  await expectAccessible(page, "suggestions, no wanted skill");

  const want = page.getByRole("group", { name: "Hier wil ik in groeien" });
  await page.getByRole("searchbox", { name: "Zoek een vaardigheid waarin je wilt groeien" }).fill(SKILL);
  await want.getByRole("checkbox", { name: SKILL }).check();
  await page.getByRole("button", { name: "Vaardigheden opslaan" }).click();
  await expect(page.getByText("Je vaardigheden zijn opgeslagen.")).toBeVisible();

  const card = suggestions.getByRole("listitem").filter({ hasText: NEXT });
  await expect(card).toBeVisible();
  await expect(card.getByText(`Past bij: ${SKILL}`)).toBeVisible();
  await expect(card.getByRole("link", { name: NEXT })).toHaveAttribute("href", `/sessies/${scene.nextSessionId}`);
  await expectAccessible(page, "suggestions for a wanted skill");
  await card.getByRole("link", { name: NEXT }).click();
  await expect(page).toHaveURL(new RegExp(`/sessies/${scene.nextSessionId}$`));
  await expect(page.getByRole("heading", { level: 1, name: NEXT })).toBeVisible();
});

test("her manager opens her portfolio and reads only what she shared", async ({ page, request }, testInfo) => {
  const { medewerker } = personas();
  // A second reflection, private, on another session would not show; here: make the shared one
  // the only one and check the words.
  const mine = await call<Portfolio>(request, medewerker.token, "GET", "/api/v1/me/portfolio");
  expect(mine.sessions.some((s) => s.enrolment_id === scene.enrolmentId)).toBe(true);

  await signIn(page, "manager");
  await page.goto(`/rapportages?week=${scene.eventId}&rapport=medewerkers`);
  const row = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: scene.employee.name, exact: true }) });
  await row.getByRole("link", { name: `Ontwikkeling van ${scene.employee.name}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Ontwikkeling van ${scene.employee.name}` })).toBeVisible();
  await expect(page.getByText(`Je ziet alleen de reflecties die ${scene.employee.name} met je deelde. Andere reflecties blijven privé.`)).toBeVisible();
  await expect((await myRow(page)).getByRole("cell", { name: "Aanwezig", exact: true })).toBeVisible();
  // No certificate downloads here: those are hers (and the host's).
  await expect(page.getByRole("link", { name: /Bewijs van deelname/ })).toHaveCount(0);
  const shared = page.getByRole("region", { name: "Gedeelde reflecties" });
  await expect(shared.getByText("Een agenda met besluiten erop maakt een vergadering korter.")).toBeVisible();
  await expectAccessible(page, "manager: a report's portfolio");
  await screenshots(page, testInfo, "ontwikkeling-van-medewerker");

  // Made private again, it is gone from the manager's view.
  await call(request, medewerker.token, "PUT", `/api/v1/enrolments/${scene.enrolmentId}/reflection`, {
    learned: "Een agenda met besluiten erop maakt een vergadering korter.", will_do: "", shared_with_manager: false,
  });
  await page.reload();
  await expect(page.getByText(`${scene.employee.name} heeft nog geen reflecties met je gedeeld.`)).toBeVisible();
  await expectAccessible(page, "manager: nothing shared");
});

test("(d) the organiser sees the certificate, downloads them all, and revokes it", async ({ page }) => {
  await signIn(page, "organisator");
  await page.goto(`/organiseren/sessies/${scene.sessionId}`);
  const section = page.getByRole("region", { name: "Bewijzen van deelname" });
  const row = section.getByRole("row").filter({ hasText: scene.code });
  await expect(row.getByRole("rowheader", { name: scene.employee.name })).toBeVisible();
  await expect(row.getByText("Geldig", { exact: true })).toBeVisible();
  await expectAccessible(page, "organiser: certificates issued");

  const [zip] = await Promise.all([
    page.waitForEvent("download"),
    section.getByRole("link", { name: "Alle bewijzen downloaden (zip)" }).click(),
  ]);
  expect(readFileSync((await zip.path())!).subarray(0, 2).toString("latin1")).toBe("PK");

  await row.getByRole("button", { name: `Intrekken (${scene.employee.name})` }).click();
  await expect(section.getByText(new RegExp(`^Het bewijs van ${escape(scene.employee.name)} \\(${scene.code}\\) intrekken\\?`))).toBeFocused();
  await section.getByRole("textbox", { name: "Reden (niet verplicht)" }).fill("Aanwezigheid bleek onjuist geregistreerd.");
  await expectAccessible(page, "organiser: revoking a certificate");
  await section.getByRole("button", { name: "Ja, intrekken" }).click();
  await expect(section.getByText(`Het bewijs van ${scene.employee.name} is ingetrokken.`)).toBeVisible();
  await expect(row.getByText(/^Ingetrokken op /)).toBeVisible();
  await expect(row.getByRole("button", { name: /^Intrekken/ })).toHaveCount(0);
  await expectAccessible(page, "organiser: certificate revoked");

  await page.goto(`/verificatie/${scene.code}`);
  await expect(page.getByText(/Dit bewijs van deelname is ingetrokken/)).toBeVisible();
  await expectAccessible(page, "verification page, revoked");
});
