// The organiser's controls on existing pages: a session's trainer chosen with the people picker
// (by keyboard alone), its quotas changed, someone's enrolment cancelled after the deadline with
// a reason (which reaches the mail), the week's organisations, and archiving the week with its
// consequences shown first. axe checks every state.
import { expect, test } from "@playwright/test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { call, expectAccessible, personas, screenshots, signIn } from "./support";

const here = dirname(fileURLToPath(import.meta.url));
const amsterdamDay = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam" }).format(d);

/** Every text part of every mail the demo server wrote (file transport), decoded. */
function mailTexts(): string[] {
  const dir = resolve(here, ".server/mail");
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(".eml")).map((f) => decodeParts(readFileSync(resolve(dir, f), "utf8")));
}

function decodeParts(raw: string): string {
  const out: string[] = [];
  for (const part of raw.split(/\r?\n--/)) {
    const [head = "", ...rest] = part.split(/\r?\n\r?\n/);
    const body = rest.join("\n\n");
    if (/Content-Transfer-Encoding: base64/i.test(head)) {
      out.push(Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8"));
    } else if (/Content-Transfer-Encoding: quoted-printable/i.test(head)) {
      const bytes = body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
      out.push(Buffer.from(bytes, "latin1").toString("utf8"));
    } else {
      out.push(body);
    }
  }
  return out.join("\n");
}

test("an organiser assigns a trainer, changes quotas, cancels someone with a reason and archives the week", async ({ page, request }, testInfo) => {
  const { organisator, medewerker, beheerder } = personas();
  const me = await call<{ organisation_id: string }>(request, organisator.token, "GET", "/api/v1/me");
  const orgs = await call<{ id: string; name: string }[]>(request, organisator.token, "GET", "/api/v1/organisations");
  const own = orgs.find((o) => o.id === me.organisation_id)!;
  const other = orgs.find((o) => o.id !== me.organisation_id)!;
  const employee = await call<{ id: string; name: string; organisation_id: string }>(request, medewerker.token, "GET", "/api/v1/me");

  // A week ten days from now whose cancellation deadline (672 hours before a session) has
  // passed, a session of one seat hosted by the organiser's organisation: the employee has the
  // seat, a colleague waits.
  const now = new Date();
  const event = await call<{ id: string }>(request, beheerder.token, "POST", "/api/v1/events", {
    name: "Week na de termijn",
    starts_on: amsterdamDay(new Date(now.getTime() + 10 * 86_400_000)),
    ends_on: amsterdamDay(new Date(now.getTime() + 12 * 86_400_000)),
    enrolment_opens_at: new Date(now.getTime() - 3_600_000).toISOString(),
    enrolment_closes_at: new Date(now.getTime() + 9 * 86_400_000).toISOString(),
    cancellation_deadline_hours: 672,
    organisation_ids: [own.id, other.id, employee.organisation_id].filter((v, i, a) => a.indexOf(v) === i),
  });
  const workshop = await call<{ id: string }>(request, beheerder.token, "POST", `/api/v1/events/${event.id}/workshops`, {
    title: "Lastige gesprekken", description: "Oefenen met een acteur.", theme: "vaardigheden", host_organisation_id: own.id,
  });
  const start = new Date(now.getTime() + 11 * 86_400_000);
  start.setUTCHours(9, 0, 0, 0);
  const session = await call<{ id: string }>(request, beheerder.token, "POST", `/api/v1/workshops/${workshop.id}/sessions`, {
    starts_at: start.toISOString(), ends_at: new Date(start.getTime() + 7_200_000).toISOString(), capacity: 1,
    location: { venue: "Stadhuis", room: "Zaal 2", address: null },
  });
  await call(request, beheerder.token, "POST", `/api/v1/events/${event.id}/publish`, {});
  const people = await call<{ items: { id: string; name: string }[] }>(
    request, beheerder.token, "GET", `/api/v1/people?organisation_id=${own.id}&per_page=20`);
  const colleague = people.items.find((p) => p.id !== employee.id)!;
  await call(request, medewerker.token, "POST", `/api/v1/sessions/${session.id}/enrolments`, {});
  await call(request, beheerder.token, "POST", `/api/v1/sessions/${session.id}/enrolments`, { person_id: colleague.id });
  // The employee cannot cancel any more.
  await call(request, medewerker.token, "DELETE", `/api/v1/enrolments/${(await call<{ items: { id: string; session_id: string }[] }>(request, medewerker.token, "GET", "/api/v1/me/enrolments")).items.find((i) => i.session_id === session.id)!.id}`, undefined, [409]);

  await signIn(page, "organisator");
  await page.goto(`/organiseren/sessies/${session.id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Lastige gesprekken" })).toBeVisible();
  await expect(page.getByText("Deze sessie heeft nog geen trainer.")).toBeVisible();
  await expectAccessible(page, "session with its new controls");
  await screenshots(page, testInfo, "sessie-beheer");

  // The trainer, by keyboard alone: the search field, the matches as radio buttons, save.
  const trainer = people.items.find((p) => p.id !== employee.id && p.id !== colleague.id)!;
  const search = page.getByLabel(new RegExp(`^Zoek een medewerker van ${own.name}`));
  await search.focus();
  await page.keyboard.type(trainer.name);
  const radio = page.getByRole("radio", { name: new RegExp(trainer.name) });
  await expect(radio).toBeVisible();
  await expect(page.getByText(/(persoon|personen) gevonden/)).toBeVisible();
  await expectAccessible(page, "trainer search results");
  // Tab into the radio group (the first match takes the focus), then arrows to the trainer.
  await page.keyboard.press("Tab");
  const radios = page.getByRole("radio");
  for (let i = 0; i < (await radios.count()); i++) {
    if (await radio.evaluate((el) => el === document.activeElement)) break;
    await page.keyboard.press("ArrowDown");
  }
  await expect(radio).toBeFocused();
  await page.keyboard.press("Space");
  await expect(radio).toBeChecked();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Trainer opslaan" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByText(`${trainer.name} is nu de trainer van deze sessie.`)).toBeVisible();
  await expect(page.getByText(new RegExp(`^Trainer nu: ${trainer.name}`))).toBeVisible();
  await expectAccessible(page, "trainer saved");
  const afterTrainer = await call<{ trainer_id: string | null }>(request, organisator.token, "GET", `/api/v1/sessions/${session.id}`);
  expect(afterTrainer.trainer_id).toBe(trainer.id);

  // Quotas: more seats than the session has is refused with the server's word; one seat kept for
  // the host's own people is fine (so the colleague who waits may still move up below).
  const quotas = page.getByRole("region", { name: "Plaatsen per organisatie" });
  await quotas.getByRole("button", { name: "Regel toevoegen" }).click();
  await quotas.getByRole("button", { name: "Plaatsen opslaan" }).click();
  await expect(quotas.getByText("Vul in deze regel alles in.").first()).toBeVisible();
  await quotas.getByLabel("Organisatie").selectOption({ label: own.name });
  await quotas.getByLabel(/^Aantal plaatsen/).fill("5");
  await quotas.getByLabel(/^Voor iedereen vanaf/).fill(`${amsterdamDay(new Date(now.getTime() + 5 * 86_400_000))}T12:00`);
  await quotas.getByRole("button", { name: "Plaatsen opslaan" }).click();
  await expect(quotas.getByRole("alert")).toContainText("Niet opgeslagen");
  await expectAccessible(page, "quota refused");
  await quotas.getByLabel(/^Aantal plaatsen/).fill("1");
  await quotas.getByRole("button", { name: "Plaatsen opslaan" }).click();
  await expect(quotas.getByText("De plaatsen per organisatie zijn opgeslagen.")).toBeVisible();
  await expectAccessible(page, "quota saved");
  const afterQuota = await call<{ quotas: { organisation_id: string; seats: number }[] }>(request, organisator.token, "GET", `/api/v1/sessions/${session.id}`);
  expect(afterQuota.quotas.map((q) => [q.organisation_id, q.seats])).toEqual([[own.id, 1]]);

  // Cancel the employee after the deadline: the dialog asks the reason.
  // By keyboard: Enter opens the dialog on the reason, Escape closes it and gives the focus back.
  const opener = page.getByRole("button", { name: `${employee.name} afmelden` });
  const dialog = page.getByRole("dialog", { name: `${employee.name} afmelden` });
  await opener.focus();
  await page.keyboard.press("Enter");
  await expect(dialog.getByLabel(/^Reden/)).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
  await opener.click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel(/^Reden/)).toBeFocused();
  await dialog.getByRole("button", { name: "Afmelden met deze reden" }).click();
  await expect(dialog.getByText("Geef een reden op; die komt in de mail aan de deelnemer.")).toBeVisible();
  await expectAccessible(page, "cancel dialog without a reason");
  await screenshots(page, testInfo, "afmelden-met-reden");
  const reason = "De sessie is dubbel geboekt";
  await dialog.getByLabel(/^Reden/).fill(reason);
  await dialog.getByRole("button", { name: "Afmelden met deze reden" }).click();
  await expect(page.getByText(`${employee.name} is afgemeld.`)).toBeVisible();
  await expect(dialog).toBeHidden();
  // The focus lands on the list it changed, not on the page's start.
  await expect(page.getByRole("heading", { level: 2, name: /^Deelnemers/ })).toBeFocused();
  // The colleague moved up from the waiting list.
  const participants = page.getByRole("table", { name: /^Deelnemers/ });
  await expect(participants.getByRole("cell", { name: colleague.name, exact: true })).toBeVisible();
  await expect(page.getByText("Niemand op de wachtlijst.")).toBeVisible();
  await expectAccessible(page, "enrolment cancelled");
  // The mail to the employee tells the reason (the demo server writes mail to files).
  await expect.poll(() => mailTexts().some((m) => m.includes(`Reden: ${reason}`)), { timeout: 15_000 }).toBe(true);

  // The week: its organisations and who may change them; close it, then archive it.
  await page.goto(`/organiseren/weken/${event.id}`);
  const orgList = page.getByRole("region", { name: "Deelnemende organisaties" });
  await expect(orgList.getByRole("listitem").filter({ hasText: own.name })).toBeVisible();
  await expect(orgList.getByText("Jij kunt deze lijst wijzigen.")).toBeVisible();
  await expectAccessible(page, "week with its organisations");
  await page.getByRole("button", { name: "Inschrijving sluiten" }).click();
  await page.getByRole("button", { name: "Ja, sluiten" }).click();
  await expect(page.getByText("Dit is de laatste stap: een gearchiveerde leerweek kan niet terug naar gesloten of gepubliceerd.")).toBeVisible();
  await expect(page.getByText(/De bewaartermijn begint/)).toBeVisible();
  await expectAccessible(page, "closed week with the archive consequences");
  await page.getByRole("button", { name: "Leerweek archiveren" }).click();
  await expect(page.getByText(/Dit kan niet ongedaan worden gemaakt/)).toBeVisible();
  await expectAccessible(page, "archive confirmation");
  await page.getByRole("button", { name: "Ja, archiveren" }).click();
  await expect(page.getByText("De leerweek is gearchiveerd.")).toBeVisible();
  await expectAccessible(page, "week archived");
  await screenshots(page, testInfo, "week-gearchiveerd");
  await page.reload();
  await expect(page.getByText(/Deze leerweek is gearchiveerd\. Na de bewaartermijn/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Leerweek archiveren" })).toHaveCount(0);
  const archived = await call<{ status: string }>(request, organisator.token, "GET", `/api/v1/events/${event.id}`);
  expect(archived.status).toBe("archived");
});
