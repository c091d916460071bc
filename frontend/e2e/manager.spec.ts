// The manager opens the reports of their own people; an organiser also sees the sessions
// report and downloads. axe checks every report tab.
import { expect, test } from "@playwright/test";
import { call, demoWeek, expectAccessible, personas, screenshots, signIn } from "./support";

test("a manager opens the reports of their own people", async ({ page, request }, testInfo) => {
  const { manager } = personas();
  const { event } = await demoWeek(request, manager.token);
  const figures = await call<{ items: { level: string; employees: number; enrolled: number }[] }>(
    request, manager.token, "GET", `/api/v1/events/${event.id}/reports/participation`);
  const total = figures.items.find((r) => r.level === "total")!;
  expect(total.employees).toBeGreaterThan(0);

  await signIn(page, "manager");
  await page.getByRole("link", { name: "Rapportages" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Rapportages" })).toBeVisible();
  await expect(page.getByText("Je ziet de medewerkers die aan jou rapporteren.")).toBeVisible();
  // The key figure is the server's: enrolled of employees.
  await expect(page.getByText(`${total.enrolled} van ${total.employees.toLocaleString("nl-NL")} medewerkers`)).toBeVisible();
  await expect(page.getByRole("table").first()).toBeVisible();
  await expectAccessible(page, "reports: participation (manager)");
  await screenshots(page, testInfo, "rapportages");

  for (const tab of ["Medewerkers", "Bereik", "Over de grenzen"]) {
    await page.getByRole("link", { name: tab, exact: true }).click();
    await expect(page.getByRole("link", { name: tab, exact: true })).toHaveAttribute("aria-current", "page");
    await expect(page.getByRole("link", { name: "Download CSV" })).toBeVisible();
    await expectAccessible(page, `reports: ${tab} (manager)`);
  }
  // The workshop figures are for organisers: a manager is not offered them.
  await expect(page.getByRole("link", { name: "Sessies", exact: true })).toHaveCount(0);

  // The CSV download is the same report, with every row.
  const href = await page.getByRole("link", { name: "Download CSV" }).getAttribute("href");
  const csv = await page.request.get(href!);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
});

test("an organiser sees the sessions report of the workshops their organisation hosts", async ({ page }) => {
  await signIn(page, "organisator");
  await page.goto("/rapportages?rapport=sessies");
  await expect(page.getByText("Je ziet de medewerkers van je organisatie.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Sessies", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("table").first()).toBeVisible();
  await expectAccessible(page, "reports: sessions (organiser)");
});
