// Manager approval (issue 25): the employee enrols in a workshop that needs her manager's yes
// and is told her seat is held; the manager finds it at /goedkeuren (through the navigation),
// approves one seat and declines another with a reason, with the keyboard alone. axe checks
// every state.
import { expect, test } from "@playwright/test";
import { call, expectAccessible, personas, screenshots, signIn, tabTo } from "./support";

test("a manager approves and declines from /goedkeuren with the keyboard alone", async ({ page, request }, testInfo) => {
  const { medewerker, manager, organisator, beheerder } = personas();
  const orgOf = async (token: string) => (await call<{ organisation_id: string }>(request, token, "GET", "/api/v1/me")).organisation_id;
  const lead = await orgOf(organisator.token);
  const own = await orgOf(medewerker.token);
  // A week well after the demo week (and the lottery test's), archived at the end.
  const day = new Date(Date.now() + 710 * 86_400_000).toISOString().slice(0, 10);
  const week = await call<{ id: string }>(request, beheerder.token, "POST", "/api/v1/events", {
    name: "Week met goedkeuring", starts_on: day, ends_on: day,
    enrolment_opens_at: new Date(Date.now() - 3_600_000).toISOString(),
    enrolment_closes_at: new Date(Date.now() + 86_400_000).toISOString(),
    organisation_ids: [...new Set([lead, own])], lead_organisation_id: lead, approval: "manager", approval_hours: 48,
  });
  const sessions: Record<string, string> = {};
  for (const [title, hour] of [["Coachend leiderschap", 9], ["Omgaan met agressie", 13]] as const) {
    const w = await call<{ id: string }>(request, beheerder.token, "POST", `/api/v1/events/${week.id}/workshops`, {
      title, description: "", theme: "leiderschap", host_organisation_id: lead,
    });
    const s = await call<{ id: string }>(request, beheerder.token, "POST", `/api/v1/workshops/${w.id}/sessions`, {
      starts_at: `${day}T${String(hour).padStart(2, "0")}:00:00Z`,
      ends_at: `${day}T${String(hour + 2).padStart(2, "0")}:00:00Z`, capacity: 8, location: { venue: "Stadhuis" },
    });
    sessions[title] = s.id;
  }
  await call(request, beheerder.token, "POST", `/api/v1/events/${week.id}/publish`, {});

  try {
    // The employee enrols; the page says the seat is held for her manager's decision.
    await signIn(page, "medewerker");
    for (const title of ["Coachend leiderschap", "Omgaan met agressie"]) {
      await page.goto(`/sessies/${sessions[title]}`);
      await page.getByRole("button", { name: "Inschrijven" }).click();
      await expect(page.getByText(/je leidinggevende moet nog goedkeuren/)).toBeVisible();
    }
    await expect(page.getByText("Je hebt een plek; wacht op goedkeuring")).toBeVisible();
    await expectAccessible(page, "a seat awaiting approval");

    // The manager: through the navigation to the list, with the keyboard alone.
    await signIn(page, "manager");
    await page.getByRole("link", { name: "Goedkeuren" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Goedkeuren" })).toBeVisible();
    await expect(page.getByText("2 inschrijvingen wachten op je beslissing.")).toBeVisible();
    await expectAccessible(page, "two seats waiting");
    await screenshots(page, testInfo, "goedkeuren");
    const who = medewerker.name;
    await tabTo(page, "button", new RegExp(`^Keur de inschrijving van ${who} voor Coachend leiderschap goed$`));
    await page.keyboard.press("Enter");
    await expect(page.getByText(`Goedgekeurd: ${who} heeft de plek in Coachend leiderschap.`)).toBeVisible();
    await expect(page.getByText("1 inschrijving wacht op je beslissing.")).toBeVisible();
    await expectAccessible(page, "one approved");

    await tabTo(page, "button", new RegExp(`^Wijs de inschrijving van ${who} voor Omgaan met agressie af$`));
    await page.keyboard.press("Enter");
    // The reason's field takes the keyboard.
    await expect(page.getByLabel(/^Reden/)).toBeFocused();
    await page.keyboard.type("Die dag is er teamoverleg.");
    await expectAccessible(page, "declining with a reason");
    await tabTo(page, "button", /^Afwijzen bevestigen$/);
    await page.keyboard.press("Enter");
    await expect(page.getByText(`Afgewezen: de plek van ${who} in Omgaan met agressie is vrijgegeven.`)).toBeVisible();
    await expect(page.getByText("Er wacht niets op je beslissing.")).toBeVisible();
    await expectAccessible(page, "nothing waiting");

    const mine = await call<{ items: { session_id: string; status: string; approval?: string | null }[] }>(
      request, medewerker.token, "GET", "/api/v1/me/enrolments?include_cancelled=true",
    );
    const of = (title: string) => mine.items.find((i) => i.session_id === sessions[title]);
    expect([of("Coachend leiderschap")?.status, of("Coachend leiderschap")?.approval]).toEqual(["confirmed", "approved"]);
    expect(of("Omgaan met agressie")?.approval).toBe("declined");
    await call(request, manager.token, "GET", "/api/v1/me/approvals");
  } finally {
    await call(request, beheerder.token, "POST", `/api/v1/events/${week.id}/close`, {});
    await call(request, beheerder.token, "POST", `/api/v1/events/${week.id}/archive`, {});
  }
});
