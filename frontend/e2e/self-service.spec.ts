// The coordinator's console for mail, audit and privacy (as "beheerder"), and each person's own
// settings at /profiel (as "medewerker", with the keyboard alone). axe checks every state, at
// phone and desktop width.
import { expect, test, type Page } from "@playwright/test";
import { call, expectAccessible, personas, screenshots, signIn } from "./support";

/** Press Tab until the focused element has this role and name (fails after 80 presses). */
async function tabTo(page: Page, role: Parameters<Page["getByRole"]>[0], name: RegExp) {
  const target = page.getByRole(role, { name }).first();
  await expect(target).toBeVisible();
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`could not reach ${role} ${name} with Tab`);
}

/** axe at phone width and at desktop width. */
async function accessibleAtBothWidths(page: Page, state: string) {
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 844 });
    await expectAccessible(page, `${state} (${width} px)`);
    // Nothing but a table's own scroll area may be wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${state} scrolls sideways at ${width} px`).toBeLessThanOrEqual(0);
  }
}

test("an employee sets the language of their mail and a calendar address with the keyboard alone", async ({ page, request }, testInfo) => {
  const { medewerker } = personas();
  await signIn(page, "medewerker");
  await tabTo(page, "link", /^Profiel$/);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Profiel" })).toBeVisible();
  await accessibleAtBothWidths(page, "profile");
  await screenshots(page, testInfo, "profiel");

  await tabTo(page, "radio", /Nederlands/);
  await page.keyboard.press("ArrowDown");
  await expect(page.getByRole("radio", { name: "English" })).toBeChecked();
  await tabTo(page, "button", /^Taal opslaan$/);
  await page.keyboard.press("Enter");
  await expect(page.getByText("De taal van je mail is opgeslagen.")).toBeVisible();
  const me = await call<{ language: string }>(request, medewerker.token, "GET", "/api/v1/me");
  expect(me.language).toBe("en");
  await accessibleAtBothWidths(page, "language saved");

  await tabTo(page, "button", /agenda-link$/);
  await page.keyboard.press("Enter");
  const feed = page.getByRole("textbox", { name: "Je persoonlijke agenda-link" });
  await expect(feed).toHaveValue(/\/api\/v1\/me\/calendar\.ics\?token=cal_/);
  const first = await feed.inputValue();
  await accessibleAtBothWidths(page, "calendar address made");
  await tabTo(page, "button", /^Maak een nieuwe agenda-link$/);
  await page.keyboard.press("Enter");
  await expect(feed).not.toHaveValue(first);
  expect((await request.get(first)).status(), "the old address no longer works").toBe(401);

  // Sign out everywhere asks first.
  await tabTo(page, "button", /^Overal uitloggen$/);
  await page.keyboard.press("Enter");
  await expect(page.getByText("Overal uitloggen, ook op dit apparaat?")).toBeVisible();
  await accessibleAtBothWidths(page, "sign out everywhere asked");
  await tabTo(page, "button", /^Nee$/);
  await page.keyboard.press("Enter");
  await call(request, medewerker.token, "PATCH", "/api/v1/me", { language: "nl" });
});

test("the admin sees the mail, retries, reads the audit log, sets the retention and erases a person", async ({ page, request }, testInfo) => {
  const { beheerder } = personas();
  await signIn(page, "beheerder");
  await page.getByRole("link", { name: "Beheer", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Beheer" })).toBeVisible();
  await page.getByRole("link", { name: "Mail" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Mail" })).toBeVisible();
  await accessibleAtBothWidths(page, "mail");
  await screenshots(page, testInfo, "beheer-mail");

  // A test mail to oneself goes through the outbox and shows in it.
  await page.getByRole("button", { name: "Stuur een testmail naar mijzelf" }).click();
  await expect(page.getByText(/De testmail staat in de wachtrij voor/)).toBeVisible();
  // Found by its recipient (the search covers names, addresses, session titles and message
  // subjects; the test mail has none of the last two).
  await page.getByLabel("Zoek op ontvanger of onderwerp").fill("beheer@leerweek.example");
  await page.getByRole("button", { name: "Zoeken", exact: true }).click();
  await expect(page.getByRole("cell", { name: "Testmail van Leerweek" }).first()).toBeVisible();
  // Only the admin's own mail is listed once the search applies.
  await expect(page.getByRole("row").filter({ hasText: "Inschrijving bevestigd" })).toHaveCount(0);
  await accessibleAtBothWidths(page, "mail searched");
  for (const state of ["Verzonden", "Mislukt", "Wachtend"]) {
    await page.getByRole("button", { name: new RegExp(`^${state}`) }).click();
    await expect(page.getByRole("button", { name: new RegExp(`^${state}`) })).toHaveAttribute("aria-pressed", "true");
    await accessibleAtBothWidths(page, `mail ${state}`);
  }

  // Audit log, filtered to the mail actions.
  await page.goto("/beheer/audit");
  await expect(page.getByRole("heading", { level: 1, name: "Auditlog" })).toBeVisible();
  await accessibleAtBothWidths(page, "audit");
  await page.getByLabel("Wat").selectOption({ label: "Mail" });
  await page.getByRole("button", { name: "Filter toepassen" }).click();
  await expect(page.getByRole("cell", { name: /mail\.test/ }).first()).toBeVisible();
  await page.getByLabel("Id van het onderwerp").fill("geen-id");
  await page.getByRole("button", { name: "Filter toepassen" }).click();
  await expect(page.getByText(/Vul een id in zoals/)).toBeVisible();
  await accessibleAtBothWidths(page, "audit with a field error");
  await page.getByRole("button", { name: "Alle filters wissen" }).click();

  // Retention: out of bounds is explained at the field, then saved.
  await page.goto("/beheer/privacy");
  await expect(page.getByRole("heading", { level: 1, name: "Privacy" })).toBeVisible();
  await accessibleAtBothWidths(page, "privacy");
  const days = page.getByLabel(/^Bewaartermijn in dagen/);
  await days.fill("10");
  await page.getByRole("button", { name: "Bewaartermijn opslaan" }).click();
  await expect(page.locator("#retention-days-error")).toContainText("30");
  await accessibleAtBothWidths(page, "retention with an error");
  await days.fill("730");
  await page.getByRole("button", { name: "Bewaartermijn opslaan" }).click();
  await expect(page.getByText("De bewaartermijn is opgeslagen.")).toBeVisible();
  await expect(page.getByText(/730 dagen nadat een week is gearchiveerd/)).toBeVisible();

  // Erase a demo person (not one of the personas), after the confirmation.
  const taken = Object.values(personas()).map((p) => p.name);
  const found = await call<{ items: { id: string; name: string; email: string }[] }>(
    request, beheerder.token, "GET", "/api/v1/people?per_page=50&q=a",
  );
  const person = found.items.find((p) => !taken.includes(p.name) && !p.email.endsWith(".invalid"))!;
  await page.getByLabel("Zoek een persoon").fill(person.email);
  await page.getByRole("button", { name: "Zoeken", exact: true }).click();
  await page.getByRole("button", { name: new RegExp(`^Kies ${person.name}`) }).click();
  await expect(page.getByRole("heading", { name: `Gekozen persoon: ${person.name}` })).toBeFocused();
  await accessibleAtBothWidths(page, "person chosen");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download gegevens (JSON)" }).click();
  expect((await download).suggestedFilename()).toBe(`leerweek-gegevens-${person.id}.json`);
  await page.getByRole("button", { name: "Wis deze persoon" }).click();
  await expect(page.getByText(/Wat blijft \(anoniem\)/)).toBeVisible();
  await expect(page.getByText(/Dit kan niet ongedaan worden gemaakt/)).toBeVisible();
  await accessibleAtBothWidths(page, "erase confirmation");
  await screenshots(page, testInfo, "beheer-privacy-wissen");
  await page.getByRole("button", { name: "Ja, wis deze persoon" }).click();
  await expect(page.getByText(/De persoon is gewist/)).toBeVisible();
  await accessibleAtBothWidths(page, "erased");

  // The audit log shows the erase, and nowhere the person's name or address.
  await page.goto("/beheer/audit");
  await page.getByLabel("Wat").selectOption({ label: "Persoon gewist" });
  await page.getByRole("button", { name: "Filter toepassen" }).click();
  // One row once the filtered list is in (the export of a moment ago names the person too).
  const row = page.getByRole("row").filter({ hasText: person.id });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Persoon gewist");
  await accessibleAtBothWidths(page, "audit shows the erase");
  await page.getByRole("button", { name: "Alle filters wissen" }).click();
  await expect(page.getByRole("cell", { name: /person\.erase/ }).first()).toBeVisible();
  const text = await page.locator("main").innerText();
  expect(text).not.toContain(person.name);
  expect(text).not.toContain(person.email);
  const log = await call<{ items: unknown[] }>(request, beheerder.token, "GET", "/api/v1/admin/audit?per_page=500");
  expect(JSON.stringify(log)).not.toContain(person.email);
  await screenshots(page, testInfo, "beheer-audit");
});
