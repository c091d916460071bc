// The preference lottery (issue 25): an employee ranks sessions of a lottery week with the
// keyboard alone (add, reorder, save: focus stays on the moved session, a status line says where
// it went), then the lead's organiser makes a trial run and runs the lottery. axe checks every state.
import { expect, test, type Page } from "@playwright/test";
import { call, expectAccessible, personas, screenshots, signIn, tabTo } from "./support";

async function focusedLabel(page: Page) {
  return page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent ?? "");
}

test("an employee ranks sessions with the keyboard alone, and the organiser runs the lottery", async ({ page, request }, testInfo) => {
  const { medewerker, organisator, beheerder } = personas();
  const orgOf = async (token: string) => (await call<{ organisation_id: string }>(request, token, "GET", "/api/v1/me")).organisation_id;
  const lead = await orgOf(organisator.token);
  const own = await orgOf(medewerker.token);
  // A lottery week well after the demo week, so that the demo week stays the one shown first
  // (and archived at the end, out of every later test's way).
  const day = new Date(Date.now() + 700 * 86_400_000).toISOString().slice(0, 10);
  const week = await call<{ id: string }>(request, beheerder.token, "POST", "/api/v1/events", {
    name: "Loting-week", starts_on: day, ends_on: day,
    enrolment_opens_at: new Date(Date.now() - 3_600_000).toISOString(),
    enrolment_closes_at: new Date(Date.now() + 86_400_000).toISOString(),
    organisation_ids: [...new Set([lead, own])], lead_organisation_id: lead, allocation: "lottery", max_preferences: 3,
  });
  const sessions: Record<string, string> = {};
  for (const [title, hour] of [["Schrijven voor inwoners", 8], ["Grip op stress", 10], ["Tekenen", 12]] as const) {
    const w = await call<{ id: string }>(request, beheerder.token, "POST", `/api/v1/events/${week.id}/workshops`, {
      title, description: "", theme: "vaardigheden", host_organisation_id: lead,
    });
    const s = await call<{ id: string }>(request, beheerder.token, "POST", `/api/v1/workshops/${w.id}/sessions`, {
      starts_at: `${day}T${String(hour).padStart(2, "0")}:00:00Z`,
      ends_at: `${day}T${String(hour + 1).padStart(2, "0")}:30:00Z`, capacity: 10, location: { venue: "Stadhuis" },
    });
    sessions[title] = s.id;
  }
  await call(request, beheerder.token, "POST", `/api/v1/events/${week.id}/publish`, {});

  try {
    await signIn(page, "medewerker");
    // A session of the week offers no enrolment, but the way to one's preferences.
    await page.goto(`/sessies/${sessions["Tekenen"]}`);
    await expect(page.getByText(/In deze week worden de plaatsen verloot/)).toBeVisible();
    await expect(page.getByRole("button", { name: /Inschrijven|wachtlijst/ })).toHaveCount(0);
    await expectAccessible(page, "a session of a lottery week");
    await page.getByRole("link", { name: "Naar mijn voorkeuren" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Mijn voorkeuren" })).toBeVisible();
    await expect(page.getByText("Je hebt nog geen voorkeuren.")).toBeVisible();
    await expectAccessible(page, "no preferences yet");

    // Add the three sessions, earliest first, with the keyboard: the list offers them by time.
    for (let n = 1; n <= 3; n++) {
      await tabTo(page, "combobox", /^Sessie toevoegen/);
      await page.keyboard.press("ArrowDown");
      await tabTo(page, "button", /^Toevoegen$/);
      await page.keyboard.press("Enter");
      await expect(page.getByRole("status").filter({ hasText: `staat op plaats ${n}` })).toBeVisible();
    }
    const order = () => page.locator(".lw-pref__what a").allTextContents();
    expect(await order()).toEqual(["Schrijven voor inwoners", "Grip op stress", "Tekenen"]);
    await expect(page.getByText(/Je lijst is vol/)).toBeVisible();
    await expectAccessible(page, "three preferences, not saved");

    // Tekenen to the top: the focus stays with it, and the status line says where it went.
    await tabTo(page, "button", /^Zet Tekenen een plaats hoger$/);
    await page.keyboard.press("Enter");
    await expect(page.getByText("Tekenen staat nu op plaats 2.")).toBeVisible();
    expect(await focusedLabel(page)).toBe("Zet Tekenen een plaats hoger");
    await page.keyboard.press("Enter");
    await expect(page.getByText("Tekenen staat nu op plaats 1.")).toBeVisible();
    expect(await focusedLabel(page), "at the top the focus moves to its other button").toBe("Zet Tekenen een plaats lager");
    expect(await order()).toEqual(["Tekenen", "Schrijven voor inwoners", "Grip op stress"]);
    await tabTo(page, "button", /^Voorkeuren opslaan$/);
    await page.keyboard.press("Enter");
    await expect(page.getByText("Je voorkeuren zijn opgeslagen.")).toBeVisible();
    const saved = await call<{ sessions: string[] }>(request, medewerker.token, "GET", `/api/v1/events/${week.id}/preferences`);
    expect(saved.sessions).toEqual([sessions["Tekenen"], sessions["Schrijven voor inwoners"], sessions["Grip op stress"]]);
    await expectAccessible(page, "preferences saved");
    await screenshots(page, testInfo, "voorkeuren");

    // The window closes; the lead's organiser tries the lottery, then runs it.
    await call(request, beheerder.token, "PATCH", `/api/v1/events/${week.id}`, {
      enrolment_opens_at: new Date(Date.now() - 7_200_000).toISOString(),
      enrolment_closes_at: new Date(Date.now() - 60_000).toISOString(),
    });
    await signIn(page, "organisator");
    await page.goto(`/organiseren/weken/${week.id}`);
    await expect(page.getByRole("heading", { level: 2, name: "Loting" })).toBeVisible();
    await expect(page.getByText("Er is nog geen loting gedaan.")).toBeVisible();
    await expectAccessible(page, "lottery not run");
    await page.getByRole("button", { name: "Proefloting" }).click();
    await expect(page.getByText(/Laatste proefloting/)).toBeVisible();
    await expectAccessible(page, "trial run");
    await page.getByRole("button", { name: "Loting uitvoeren" }).click();
    await expect(page.getByText(/Dat kan maar één keer/)).toBeVisible();
    await expectAccessible(page, "lottery asked");
    await page.getByRole("button", { name: "Ja, voer de loting uit" }).click();
    await expect(page.getByText("De loting is uitgevoerd. Iedereen krijgt een mail met de uitslag.")).toBeVisible();
    await expect(page.getByRole("row", { name: /Eerste keuze gekregen/ }).first()).toContainText("1");
    await expectAccessible(page, "lottery run");
    await screenshots(page, testInfo, "loting");
    const mine = await call<{ items: { session_id: string; status: string }[] }>(request, medewerker.token, "GET", "/api/v1/me/enrolments");
    expect(mine.items.find((i) => i.session_id === sessions["Tekenen"])?.status).toBe("confirmed");
  } finally {
    // Out of the way of the other tests, which take the first published week, and of the
    // reports, which show the first published or closed one.
    await call(request, beheerder.token, "POST", `/api/v1/events/${week.id}/close`, {});
    await call(request, beheerder.token, "POST", `/api/v1/events/${week.id}/archive`, {});
  }
});
