// The employee's journeys: find a workshop, enrol, see it in "Mijn week", cancel (once with the
// mouse, once with the keyboard alone); a full session puts them on the waiting list and someone
// else's cancellation gives them the seat. axe checks every state the journeys pass through.
import { expect, test } from "@playwright/test";
import { call, demoWeek, expectAccessible, personas, screenshots, signIn, tabTo, type ProgrammeItem } from "./support";

/** A session the demo employee can take: free seats, not enrolled, its workshop's only session. */
async function freeSession(request: import("@playwright/test").APIRequestContext, token: string): Promise<ProgrammeItem> {
  const { sessions } = await demoWeek(request, token);
  const mine = await call<{ items: { session_id: string; starts_at: string; ends_at: string }[] }>(request, token, "GET", "/api/v1/me/enrolments");
  const perWorkshop = new Map<string, number>();
  for (const s of sessions) perWorkshop.set(s.workshop_id, (perWorkshop.get(s.workshop_id) ?? 0) + 1);
  const clash = (s: ProgrammeItem) =>
    mine.items.some((m) => m.session_id === s.session_id || (m.starts_at < (s as unknown as { ends_at: string }).ends_at && s.starts_at < m.ends_at));
  const titles = new Map<string, number>();
  for (const s of sessions) titles.set(s.title, (titles.get(s.title) ?? 0) + 1);
  const pick = sessions.find((s) => s.seats_left > 1 && perWorkshop.get(s.workshop_id) === 1 && titles.get(s.title) === 1 && !clash(s));
  if (!pick) throw new Error("the demo week has no free single-session workshop for the employee");
  return pick;
}

test("an employee finds a workshop, enrols, sees it in their week and cancels", async ({ page, request }, testInfo) => {
  const { medewerker } = personas();
  const session = await freeSession(request, medewerker.token);

  await signIn(page, "medewerker");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Meester in je Werk-week");
  await expect(page.getByRole("status").filter({ hasText: /sessies gevonden/ })).toBeVisible();
  await expectAccessible(page, "programme");
  await screenshots(page, testInfo, "programma");

  await page.getByRole("searchbox", { name: "Zoeken" }).fill(session.title);
  await expect(page.getByText("1 sessie gevonden.")).toBeVisible();
  await expectAccessible(page, "programme filtered");
  await page.getByRole("link", { name: session.title }).click();

  await expect(page.getByRole("heading", { level: 1, name: session.title })).toBeVisible();
  await expect(page.getByText(/Afmelden kan tot/)).toBeVisible();
  await expectAccessible(page, "session");
  await screenshots(page, testInfo, "sessie");
  await page.getByRole("button", { name: "Inschrijven" }).click();
  await expect(page.getByText("Je bent ingeschreven. Je krijgt een bevestiging")).toBeVisible();
  await expect(page.getByText(/Je aanmeldcode bij de deur/)).toBeVisible();
  await expectAccessible(page, "session enrolled");

  await page.getByRole("link", { name: "Mijn week" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Mijn week" })).toBeVisible();
  await expect(page.getByRole("link", { name: session.title })).toBeVisible();
  await expectAccessible(page, "my week");
  await screenshots(page, testInfo, "mijn-week");

  await page.getByRole("link", { name: session.title }).click();
  await page.getByRole("button", { name: "Afmelden" }).click();
  await expectAccessible(page, "cancel confirmation");
  await page.getByRole("button", { name: "Ja, afmelden" }).click();
  await expect(page.getByText("Je bent afgemeld.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Inschrijven" })).toBeVisible();

  // The server agrees: no active enrolment left for this session.
  const mine = await call<{ items: { session_id: string; status: string }[] }>(request, medewerker.token, "GET", "/api/v1/me/enrolments");
  expect(mine.items.filter((i) => i.session_id === session.session_id && i.status !== "cancelled")).toEqual([]);
});

test("the same journey with the keyboard alone", async ({ page, request }) => {
  const { medewerker } = personas();
  const session = await freeSession(request, medewerker.token);

  await page.goto("/demo");
  await tabTo(page, "button", /^medewerker/);
  await page.keyboard.press("Enter");
  await page.waitForURL((u) => u.pathname === "/");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

  // The skip link is the first stop and lands on the content.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Naar de inhoud" })).toBeFocused();

  await tabTo(page, "searchbox", /Zoeken/);
  await page.keyboard.type(session.title);
  await expect(page.getByText("1 sessie gevonden.")).toBeVisible();
  await tabTo(page, "link", new RegExp(`^${session.title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: session.title })).toBeFocused();

  await tabTo(page, "button", /^Inschrijven$/);
  await page.keyboard.press("Enter");
  await expect(page.getByText("Je bent ingeschreven. Je krijgt een bevestiging")).toBeVisible();

  await tabTo(page, "link", /^Mijn week$/);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Mijn week" })).toBeFocused();
  await expect(page.getByRole("link", { name: session.title })).toBeVisible();

  await tabTo(page, "link", new RegExp(`^${session.title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
  await page.keyboard.press("Enter");
  await tabTo(page, "button", /^Afmelden$/);
  await page.keyboard.press("Enter");
  await tabTo(page, "button", /^Ja, afmelden$/);
  await page.keyboard.press("Enter");
  await expect(page.getByText("Je bent afgemeld.")).toBeVisible();
  await expectAccessible(page, "cancelled (keyboard)");
});

test("a full session puts the employee on the waiting list; another's cancellation gives them the seat", async ({ page, request }, testInfo) => {
  const { medewerker, beheerder } = personas();
  const { sessions } = await demoWeek(request, medewerker.token);
  const workshop = sessions[0]!;
  // A one-seat session on the week's last evening, which clashes with nothing.
  const one = await call<{ id: string }>(request, beheerder.token, "POST", `/api/v1/workshops/${workshop.workshop_id}/sessions`, {
    starts_at: "2027-11-19T19:00:00Z",
    ends_at: "2027-11-19T20:00:00Z",
    capacity: 1,
    location: { venue: "Raadzaal", room: null, address: null },
    online_url: "https://meet.example.nl/leerweek",
  });
  // Someone else (of the employee's organisation) takes the seat.
  const me = await call<{ id: string; organisation_id: string }>(request, medewerker.token, "GET", "/api/v1/me");
  const people = await call<{ items: { id: string }[] }>(request, beheerder.token, "GET", `/api/v1/people?organisation_id=${me.organisation_id}&per_page=5`);
  const other = people.items.find((p) => p.id !== me.id)!;
  const { token: otherToken } = await call<{ token: string }>(request, beheerder.token, "POST", "/api/v1/tokens", { person_id: other.id });
  const seat = await call<{ id: string; status: string }>(request, otherToken, "POST", `/api/v1/sessions/${one.id}/enrolments`, {});
  expect(seat.status).toBe("confirmed");

  await signIn(page, "medewerker");
  await page.goto(`/sessies/${one.id}`);
  await expect(page.getByText(/Vol · 0 op de wachtlijst/)).toBeVisible();
  await page.getByRole("button", { name: "Op de wachtlijst" }).click();
  await expect(page.getByText(/Je staat op de wachtlijst, op plaats 1/)).toBeVisible();
  await expectAccessible(page, "waitlisted");
  await screenshots(page, testInfo, "wachtlijst");

  await page.getByRole("link", { name: "Mijn week" }).click();
  await expect(page.getByText("Je staat op de wachtlijst (plaats 1)")).toBeVisible();

  // The other person cancels: the seat moves to the employee by itself.
  await call(request, otherToken, "DELETE", `/api/v1/enrolments/${seat.id}`);
  await page.goto(`/sessies/${one.id}`);
  await expect(async () => {
    await page.reload();
    await expect(page.getByText("Je bent ingeschreven", { exact: true })).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 90_000 });
  await expect(page.getByText(/Je staat op de wachtlijst/)).toHaveCount(0);
  await expect(page.getByText(/Je aanmeldcode bij de deur/)).toBeVisible();
  await expectAccessible(page, "promoted");
});

test("a page that does not exist says so, with a way back", async ({ page }) => {
  await signIn(page, "medewerker");
  await page.goto("/bestaat-niet");
  await expect(page.getByRole("heading", { level: 1, name: "Pagina niet gevonden" })).toBeVisible();
  await expectAccessible(page, "not found");
  await page.getByRole("link", { name: "Naar het programma", exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
});

test("signed out, the app offers sign-in, and English is one press away", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Inloggen" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Kies een demo-rol" })).toBeVisible();
  await expectAccessible(page, "sign-in");
  await screenshots(page, testInfo, "inloggen");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.getByLabel("Your work e-mail address").fill("niemand@example.nl");
  await page.getByRole("button", { name: "Send me a sign-in link" }).click();
  await expect(page.getByText(/If niemand@example.nl is known to Leerweek/)).toBeVisible();
  await expectAccessible(page, "sign-in link sent (English)");
  await page.getByRole("button", { name: "Nederlands" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "nl");
});

test("a refused enrolment says why in the server's words and links to the clashing session", async ({ page, request }) => {
  const { medewerker } = personas();
  const { sessions } = await demoWeek(request, medewerker.token);
  const mine = await call<{ items: { session_id: string; starts_at: string; ends_at: string; status: string }[] }>(request, medewerker.token, "GET", "/api/v1/me/enrolments");
  const active = mine.items.filter((i) => i.status !== "cancelled");
  type S = ProgrammeItem & { ends_at: string };
  const all = sessions as S[];
  const free = (s: S) => s.seats_left > 0 && !active.some((m) => m.starts_at < s.ends_at && s.starts_at < m.ends_at);
  let pair: [S, S] | undefined;
  for (const a of all.filter(free)) {
    const b = all.find((x) => x.session_id !== a.session_id && x.workshop_id !== a.workshop_id && free(x) && a.starts_at < x.ends_at && x.starts_at < a.ends_at);
    if (b) { pair = [a, b]; break; }
  }
  if (!pair) throw new Error("the demo week has no two overlapping free sessions");
  const [a, b] = pair;
  const first = await call<{ id: string }>(request, medewerker.token, "POST", `/api/v1/sessions/${a.session_id}/enrolments`, {});

  await signIn(page, "medewerker");
  await page.goto(`/sessies/${b.session_id}`);
  await page.getByRole("button", { name: "Inschrijven" }).click();
  await expect(page.getByRole("alert")).toContainText("Je hebt op dat moment al een andere sessie.");
  await expectAccessible(page, "enrolment refused (overlap)");
  await page.getByRole("link", { name: "Bekijk de sessie die je op dat moment al hebt" }).click();
  await expect(page.getByRole("heading", { level: 1, name: a.title })).toBeVisible();
  await expect(page.getByText("Je bent ingeschreven", { exact: true })).toBeVisible();
  await call(request, medewerker.token, "DELETE", `/api/v1/enrolments/${first.id}`);
});
