// The organiser's journeys: set up a week with a workshop and a session and publish it (then an
// employee sees it); check people in at the door on a phone. axe checks every state.
import { expect, test } from "@playwright/test";
import { call, expectAccessible, personas, screenshots, signIn } from "./support";

/** `YYYY-MM-DD` of an instant in Amsterdam. */
const amsterdamDay = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam" }).format(d);

test("an organiser creates a week with a workshop and a session and publishes it", async ({ page, request }, testInfo) => {
  const { organisator, medewerker } = personas();
  const me = await call<{ organisation_id: string }>(request, organisator.token, "GET", "/api/v1/me");
  const orgs = await call<{ id: string; name: string }[]>(request, organisator.token, "GET", "/api/v1/organisations");
  const own = orgs.find((o) => o.id === me.organisation_id)!;

  await signIn(page, "organisator");
  await page.getByRole("link", { name: "Organiseren" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Organiseren" })).toBeVisible();
  await expectAccessible(page, "organiser overview");
  await screenshots(page, testInfo, "organiseren");

  // Sending the empty form explains what is missing, next to each field.
  await page.getByRole("button", { name: "Leerweek aanmaken" }).click();
  await expect(page.getByText(/Vul eerst de \d+ verplichte velden in/)).toBeVisible();
  await expectAccessible(page, "new week with errors");

  await page.getByLabel(/^Naam/).fill("Leerweek voorjaar 2028");
  await page.getByLabel(/^Eerste dag/).fill("2028-03-06");
  await page.getByLabel(/^Laatste dag/).fill("2028-03-10");
  await page.getByLabel(/^Inschrijving opent/).fill("2026-01-01T09:00");
  await page.getByLabel(/^Inschrijving sluit/).fill("2028-03-01T17:00");
  await page.getByRole("checkbox", { name: own.name }).check();
  await page.getByRole("button", { name: "Leerweek aanmaken" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Leerweek voorjaar 2028" })).toBeVisible();
  await expect(page.getByText(/aangemaakt als concept/)).toBeVisible();
  await expectAccessible(page, "week created");

  await page.getByLabel(/^Titel/).fill("Schrijven in begrijpelijke taal");
  await page.getByLabel(/^Omschrijving/).fill("Brieven die iedereen snapt: B1, korte zinnen, actieve vorm.");
  await page.getByLabel(/^Thema/).fill("vaardigheden");
  // The host is asked for only when the organiser could choose between organisations.
  const host = page.getByLabel(/^Aangeboden door/);
  if ((await host.count()) > 0) await host.selectOption({ label: own.name });
  await page.getByRole("button", { name: "Workshop toevoegen" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Schrijven in begrijpelijke taal" })).toBeVisible();
  await expect(page.getByText(/Plan nu de eerste sessie/)).toBeVisible();
  await expectAccessible(page, "workshop created");

  await page.getByLabel(/^Begin/).fill("2028-03-07T10:00");
  await page.getByLabel(/^Einde/).fill("2028-03-07T12:00");
  await page.getByLabel(/^Aantal plaatsen/).fill("12");
  await page.getByLabel(/^Locatie/).fill("Stadhuis, zaal 3");
  await page.getByRole("button", { name: "Sessie toevoegen" }).click();
  await expect(page.getByText(/De sessie van .* is toegevoegd/)).toBeVisible();
  await expectAccessible(page, "session added");
  await screenshots(page, testInfo, "workshop");

  await page.getByRole("link", { name: /Terug naar Leerweek voorjaar 2028/ }).click();
  await page.getByRole("button", { name: "Publiceren" }).click();
  await expectAccessible(page, "publish confirmation");
  await page.getByRole("button", { name: "Ja, publiceren" }).click();
  await expect(page.getByText("De leerweek is gepubliceerd.")).toBeVisible();

  // The session is in the published programme, at 10:00 Amsterdam time (09:00 UTC in March).
  const events = await call<{ id: string; name: string; status: string }[]>(request, medewerker.token, "GET", "/api/v1/events");
  const week = events.find((e) => e.name === "Leerweek voorjaar 2028");
  expect(week?.status).toBe("published");
  const programme = await call<{ sessions: { title: string; starts_at: string; capacity: number }[] }>(
    request, medewerker.token, "GET", `/api/v1/events/${week!.id}/programme`);
  expect(programme.sessions.map((s) => [s.title, s.starts_at, s.capacity])).toEqual([
    ["Schrijven in begrijpelijke taal", "2028-03-07T09:00:00Z", 12],
  ]);
});

test("an organiser checks people in at the door on a phone", async ({ page, request }, testInfo) => {
  const { organisator, medewerker, beheerder } = personas();
  const me = await call<{ organisation_id: string }>(request, organisator.token, "GET", "/api/v1/me");
  // A week around today with a session that starts in 20 minutes, hosted by the organiser's
  // organisation; three people of that organisation have a seat.
  const now = new Date();
  const event = await call<{ id: string }>(request, beheerder.token, "POST", "/api/v1/events", {
    name: "Week van vandaag",
    starts_on: amsterdamDay(new Date(now.getTime() - 86_400_000)),
    ends_on: amsterdamDay(new Date(now.getTime() + 86_400_000)),
    enrolment_opens_at: new Date(now.getTime() - 3_600_000).toISOString(),
    enrolment_closes_at: new Date(now.getTime() + 86_400_000).toISOString(),
    cancellation_deadline_hours: 0,
    organisation_ids: [me.organisation_id],
  });
  const workshop = await call<{ id: string }>(request, beheerder.token, "POST", `/api/v1/events/${event.id}/workshops`, {
    title: "Grip op stress", description: "Rust in je hoofd.", theme: "vitaliteit", host_organisation_id: me.organisation_id,
  });
  const start = new Date(Math.ceil((now.getTime() + 20 * 60_000) / 60_000) * 60_000);
  const session = await call<{ id: string }>(request, beheerder.token, "POST", `/api/v1/workshops/${workshop.id}/sessions`, {
    starts_at: start.toISOString(), ends_at: new Date(start.getTime() + 3_600_000).toISOString(), capacity: 10,
    location: { venue: "Stadhuis", room: "Zaal 1", address: null },
  });
  await call(request, beheerder.token, "POST", `/api/v1/events/${event.id}/publish`, {});
  const employee = await call<{ id: string; name: string }>(request, medewerker.token, "GET", "/api/v1/me");
  const people = await call<{ items: { id: string; name: string }[] }>(request, beheerder.token, "GET", `/api/v1/people?organisation_id=${me.organisation_id}&per_page=10`);
  const others = people.items.filter((p) => p.id !== employee.id).slice(0, 2);
  await call(request, medewerker.token, "POST", `/api/v1/sessions/${session.id}/enrolments`, {});
  for (const p of others) await call(request, beheerder.token, "POST", `/api/v1/sessions/${session.id}/enrolments`, { person_id: p.id });
  const agenda = await call<{ items: { session_id: string; check_in_code: string | null }[] }>(request, medewerker.token, "GET", "/api/v1/me/enrolments");
  const code = agenda.items.find((i) => i.session_id === session.id)!.check_in_code!;
  expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, "organisator");
  await page.goto(`/organiseren/sessies/${session.id}/aanmelden`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByText("0 van 3 aanwezig")).toBeVisible();
  await expectAccessible(page, "check-in");

  // Search by name, one tap.
  const first = others[0]!;
  await page.getByLabel("Zoek op naam").fill(first.name.split(" ")[0]!);
  await page.getByRole("button", { name: new RegExp(first.name) }).first().click();
  await expect(page.getByText("1 van 3 aanwezig")).toBeVisible();
  await expect(page.getByText(`${first.name} is aanwezig.`)).toBeAttached();
  await expectAccessible(page, "one present");

  // A typed code, in lower case with spaces, greets the person.
  await page.getByRole("textbox", { name: "Aanmeldcode" }).fill(code.toLowerCase().replace(/-/g, " "));
  await page.getByRole("button", { name: "Aanmelden", exact: true }).click();
  await expect(page.locator(".lw-checkin__greeting")).toHaveText(`Welkom, ${employee.name}! Je bent aangemeld.`);
  await expect(page.getByText("2 van 3 aanwezig")).toBeVisible();
  await expectAccessible(page, "checked in by code");
  await screenshots(page, testInfo, "aanmelden-bij-de-deur");

  // The server recorded both.
  const list = await call<{ items: { person_id: string; attendance: string | null }[] }>(request, organisator.token, "GET", `/api/v1/sessions/${session.id}/enrolments`);
  const present = list.items.filter((i) => i.attendance === "present").map((i) => i.person_id).sort();
  expect(present).toEqual([employee.id, first.id].sort());
});
