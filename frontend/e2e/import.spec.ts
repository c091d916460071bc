// The people import in the console, by keyboard alone: a workbook of 500 employees with two bad
// rows is previewed (the bad rows shown first, importing refused), then the corrected file is
// previewed and imported. axe finds nothing at every step.
import { expect, test, type Page } from "@playwright/test";
import { call, expectAccessible, personas, screenshots, signIn } from "./support";
import { workbook } from "./xlsx";

/** Press Tab until `target` has the focus (fails after 80 presses). */
async function tabTo(page: Page, target: ReturnType<Page["getByRole"]>) {
  await expect(target).toBeVisible();
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`could not reach ${target} with Tab`);
}

function people(organisation: string, bad: boolean): string[][] {
  const rows = [["E-mailadres", "Volledige naam", "Organisatie", "Afdeling"]];
  for (let i = 0; i < 500; i++) {
    rows.push([`import${i}@e2e.test`, `Geïmporteerd ${i}`, organisation, "Nieuwe afdeling"]);
  }
  if (bad) {
    rows[101]![0] = "geen-adres";
    rows[301]![2] = "Onbekende gemeente";
  }
  return rows;
}

test("an admin imports 500 employees from Excel by keyboard: two bad rows block it, the fixed file imports", async ({ page, request }, testInfo) => {
  const { beheerder } = personas();
  const orgs = await call<{ id: string; name: string }[]>(request, beheerder.token, "GET", "/api/v1/organisations");
  const organisation = orgs.find((o) => o.name !== "Beheer")!.name;

  await signIn(page, "beheerder");
  await page.goto("/beheer");
  await tabTo(page, page.getByRole("link", { name: "Medewerkers importeren" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Medewerkers importeren" })).toBeVisible();
  await expectAccessible(page, "import: empty");

  // The bad file: the file dialog is the operating system's; the rest is Tab and Enter.
  const file = page.getByLabel("Bestand", { exact: true });
  await tabTo(page, file);
  await file.setInputFiles({ name: "medewerkers.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: workbook(people(organisation, true)) });
  await tabTo(page, page.getByRole("button", { name: "Bekijken" }));
  await page.keyboard.press("Enter");
  const summary = page.getByRole("heading", { name: "Wat er gebeurt" });
  await expect(summary).toBeFocused();
  await expect(page.getByText("498 nieuw, 0 gewijzigd, 0 ongewijzigd, 2 ongeldig")).toBeVisible();
  const table = page.getByRole("table");
  const first = table.getByRole("row").nth(1);
  await expect(first).toContainText("102");
  await expect(first).toContainText("Ongeldig");
  await expect(first).toContainText("E-mailadres: is geen e-mailadres");
  await expect(table.getByRole("row").nth(2)).toContainText("Organisatie: valt buiten de bekende organisaties");
  await expect(page.getByRole("button", { name: "Importeren" })).toBeDisabled();
  await expectAccessible(page, "import: preview with invalid rows");
  await screenshots(page, testInfo, "import-ongeldig");
  // Paged: 50 rows a page.
  await tabTo(page, page.getByRole("button", { name: "Volgende pagina" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Pagina 2 van 10" })).toBeVisible();

  // The fixed file.
  await tabTo(page, file);
  await file.setInputFiles({ name: "medewerkers.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: workbook(people(organisation, false)) });
  await tabTo(page, page.getByRole("button", { name: "Bekijken" }));
  await page.keyboard.press("Enter");
  await expect(page.getByText("500 nieuw, 0 gewijzigd, 0 ongewijzigd, 0 ongeldig")).toBeVisible();
  const importButton = page.getByRole("button", { name: "Importeren" });
  await expect(importButton).toBeEnabled();
  await tabTo(page, importButton);
  await page.keyboard.press("Enter");
  await expect(page.getByText("Geïmporteerd: 500 nieuw, 0 gewijzigd, 0 ongewijzigd, 0 vertrokken.")).toBeVisible();
  await expectAccessible(page, "import: done");
  await screenshots(page, testInfo, "import-klaar");
});
