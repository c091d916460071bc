// The Klussenbank from end to end, with three people of two municipalities: the organiser of
// Enkhuizen posts a klus open to all organisations (in the browser); an employee of Nuenen finds
// it and responds with the keyboard alone; the organiser sees the responses ranked by fit and
// selects her; her manager consents on /goedkeuren; the organiser marks the klus done; she finds
// it on "Mijn ontwikkeling" (through the mail's anchor) and writes a reflection. The Nuenen
// people sign in with the sign-in link from their mail (the demo server writes mail to files).
// axe checks every page and state on the way.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { baseURL } from "../playwright.config";
import { call, expectAccessible, personas, screenshots, signIn, tabTo } from "./support";

test.describe.configure({ mode: "serial" });

const here = dirname(fileURLToPath(import.meta.url));
const amsterdamDay = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam" }).format(d);
const inDays = (n: number) => amsterdamDay(new Date(Date.now() + n * 86_400_000));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const TITLE = "Projectleider Omgevingswet in de regio";
const SKILLS = {
  law: { nl: "Omgevingswet toepassen", en: "Applying the environment act" },
  lead: { nl: "Projectleiding", en: "Project management" },
  people: { nl: "Participatie organiseren", en: "Organising participation" },
};

interface Person { id: string; name: string; email: string; manager_id?: string | null; left_at?: string | null; organisation_id: string }

/** What the spec set up, shared by the tests that follow (they run in order). */
const scene = {
  klusId: "",
  skills: { law: "", lead: "", people: "" },
  employee: { id: "", name: "", email: "", token: "" },
  manager: { id: "", name: "", email: "" },
  selectionId: "",
};

// ---- Mail: the sign-in link -----------------------------------------------------------------

function decodeParts(raw: string): string {
  const out: string[] = [];
  for (const part of raw.split(/\r?\n--/)) {
    const [head = "", ...rest] = part.split(/\r?\n\r?\n/);
    const body = rest.join("\n\n");
    if (/Content-Transfer-Encoding: base64/i.test(head)) out.push(Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8"));
    else if (/Content-Transfer-Encoding: quoted-printable/i.test(head)) {
      const bytes = body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
      out.push(Buffer.from(bytes, "latin1").toString("utf8"));
    } else out.push(body);
  }
  return out.join("\n");
}

function mails(): { name: string; raw: string }[] {
  const dir = resolve(here, ".server/mail");
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(".eml")).map((f) => ({ name: f, raw: readFileSync(resolve(dir, f), "utf8") }));
}

/** Sign in as `email` as a person without a demo button would: with the link from the sign-in mail. */
async function signInByMail(page: Page, request: APIRequestContext, email: string) {
  const seen = new Set(mails().map((m) => m.name));
  const res = await request.post("/api/v1/auth/link", { data: { email } });
  expect(res.status(), await res.text()).toBe(202);
  let token = "";
  await expect.poll(() => {
    for (const m of mails()) {
      if (seen.has(m.name) || !m.raw.toLowerCase().includes(email.toLowerCase())) continue;
      const found = /\/aanmelden\?token=([A-Za-z0-9_-]+)/.exec(decodeParts(m.raw));
      if (found) token = found[1]!;
    }
    return token;
  }, { timeout: 30_000, message: `a sign-in mail to ${email}` }).not.toBe("");
  // The link's page: its button posts the form (Chromium sends `Origin: null` under the page's
  // `Referrer-Policy: no-referrer`, same-origin), and the app opens signed in.
  await page.goto(`/aanmelden?token=${token}`);
  await page.getByRole("button", { name: "Aanmelden" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/aanmelden"));
  const session = await page.request.get("/api/v1/auth/session");
  expect(session.status(), await session.text()).toBe(200);
}

// ---- The scene ------------------------------------------------------------------------------

async function skillId(request: APIRequestContext, admin: string, s: { nl: string; en: string }): Promise<string> {
  const all = await call<{ id: string; name_nl: string }[]>(request, admin, "GET", "/api/v1/skills");
  const found = all.find((x) => x.name_nl === s.nl);
  if (found) return found.id;
  return (await call<{ id: string }>(request, admin, "POST", "/api/v1/skills", { name_nl: s.nl, name_en: s.en })).id;
}

test.beforeAll(async ({ playwright }) => {
  const request = await playwright.request.newContext({ baseURL });
  const { beheerder } = personas();
  const admin = beheerder.token;
  for (const k of Object.keys(SKILLS) as (keyof typeof SKILLS)[]) scene.skills[k] = await skillId(request, admin, SKILLS[k]);

  // An employee of Nuenen with a manager, and that manager.
  const orgs = await call<{ id: string; name: string }[]>(request, admin, "GET", "/api/v1/organisations");
  const nuenen = orgs.find((o) => o.name === "Nuenen")!;
  expect(nuenen, "Nuenen in the demo").toBeTruthy();
  const people = await call<{ items: Person[] }>(request, admin, "GET", `/api/v1/people?organisation_id=${nuenen.id}&per_page=100`);
  // Someone with no role beyond employee: nobody's manager, not an organiser, manager or admin.
  const others = new Set<string>(people.items.map((p) => p.manager_id ?? "").filter(Boolean));
  for (const role of ["organiser", "manager", "admin"]) {
    const holders = await call<{ items: Person[] }>(request, admin, "GET", `/api/v1/people?organisation_id=${nuenen.id}&role=${role}&per_page=100`);
    for (const p of holders.items) others.add(p.id);
  }
  const employee = people.items.find((p) => p.manager_id && !others.has(p.id) && !p.left_at)!;
  expect(employee, "an employee of Nuenen with a manager").toBeTruthy();
  const manager = await call<Person>(request, admin, "GET", `/api/v1/people/${employee.manager_id}`);
  const { token } = await call<{ token: string }>(request, admin, "POST", "/api/v1/tokens", { person_id: employee.id });
  scene.employee = { id: employee.id, name: employee.name, email: employee.email, token };
  scene.manager = { id: manager.id, name: manager.name, email: manager.email };
  // She has one skill the klus requires, wants to grow in the other, and not the nice one.
  await call(request, token, "PUT", "/api/v1/me/skills", { have: [scene.skills.law], want: [scene.skills.lead] });
  await request.dispose();
});

test("(1) the organiser of Enkhuizen posts a klus open to all organisations", async ({ page }, testInfo) => {
  await signIn(page, "organisator");
  await page.getByRole("navigation", { name: "Hoofdmenu" }).getByRole("link", { name: "Klus plaatsen" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Klus plaatsen" })).toBeVisible();
  await expectAccessible(page, "post a klus: empty form");

  // Publishing an empty form: each required field says so, the first takes the focus.
  await page.getByRole("button", { name: "Publiceren" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /Vul nog \d+ velden in/ })).toBeVisible();
  await expect(page.getByRole("textbox", { name: /^Titel/ })).toBeFocused();
  await expect(page.getByRole("textbox", { name: /^Titel/ })).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page, "post a klus: required fields marked");

  await page.getByRole("textbox", { name: /^Titel/ }).fill(TITLE);
  await page.getByRole("textbox", { name: /^Beschrijving/ }).fill("Een half jaar meedraaien in het regionale project: vergunningen, participatie en de overgang naar de Omgevingswet.");
  await page.getByRole("spinbutton", { name: /^Uren per week/ }).fill("8");
  await page.getByLabel(/^Eerste dag/).fill(inDays(30));
  await page.getByLabel(/^Laatste dag/).fill(inDays(120));
  await page.getByLabel(/^Reageren kan tot en met/).fill(inDays(14));
  await page.getByRole("radio", { name: "Hybride" }).check();
  await page.getByRole("textbox", { name: /^Plaats of adres/ }).fill("Stadhuis Enkhuizen");
  for (const k of ["law", "lead", "people"] as const) {
    await page.getByRole("searchbox", { name: "Zoek een vaardigheid" }).fill(SKILLS[k].nl);
    await page.getByRole("checkbox", { name: SKILLS[k].nl, exact: true }).check();
  }
  await page.getByRole("searchbox", { name: "Zoek een vaardigheid" }).fill("");
  await page.getByRole("group", { name: SKILLS.law.nl }).getByRole("radio", { name: "Vereist" }).check();
  await page.getByRole("group", { name: SKILLS.lead.nl }).getByRole("radio", { name: "Vereist" }).check();
  await expect(page.getByRole("group", { name: SKILLS.people.nl }).getByRole("radio", { name: "Fijn om te hebben" })).toBeChecked();
  await page.getByRole("radio", { name: "Alle organisaties" }).check();
  await expectAccessible(page, "post a klus: filled in");
  await screenshots(page, testInfo, "klus-plaatsen");
  await page.getByRole("button", { name: "Publiceren" }).click();

  await expect(page.getByRole("heading", { level: 1, name: TITLE })).toBeVisible();
  await expect(page.getByText(`‘${TITLE}’ is gepubliceerd: medewerkers kunnen nu reageren.`)).toBeVisible();
  scene.klusId = /\/klussen\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  const facts = page.locator(".lw-klus-facts");
  await expect(facts).toContainText("8 uur per week");
  await expect(facts).toContainText("Hybride, Stadhuis Enkhuizen");
  await expect(facts).toContainText("Alle organisaties");
  await expect(page.getByRole("listitem").filter({ hasText: `${SKILLS.law.nl} — vereist` })).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: `${SKILLS.people.nl} — fijn om te hebben` })).toBeVisible();
  await expectAccessible(page, "klus published, as its poster");

  // A change sends only what changed; saving nothing says so.
  await page.getByRole("link", { name: "Klus bewerken" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: `Klus bewerken: ${TITLE}` })).toBeVisible();
  await expect(page.getByRole("spinbutton", { name: /^Uren per week/ })).toHaveValue("8");
  await expect(page.getByRole("group", { name: SKILLS.lead.nl }).getByRole("radio", { name: "Vereist" })).toBeChecked();
  await expectAccessible(page, "edit a klus");
  await page.getByRole("button", { name: "Wijzigingen opslaan" }).click();
  await expect(page.getByText("Er is niets veranderd.")).toBeVisible();
  await page.getByRole("textbox", { name: /^Beschrijving/ }).fill("Een half jaar meedraaien in het regionale project: vergunningen, participatie en de overgang naar de Omgevingswet. Je werkt twee dagen per maand op het stadhuis.");
  await page.getByRole("button", { name: "Wijzigingen opslaan" }).click();
  await expect(page.getByText(`De wijzigingen in ‘${TITLE}’ zijn opgeslagen.`)).toBeVisible();
  await expect(page.getByText(/twee dagen per maand op het stadhuis/)).toBeVisible();

  // Her own klussen: it is there, open.
  await page.goto("/klussen/beheer");
  const card = page.getByRole("article", { name: TITLE });
  await expect(card.getByText("Open", { exact: true })).toBeVisible();
  await expect(card.getByText("0 van 1 plaats bezet")).toBeVisible();
  await expectAccessible(page, "klussen I manage");
});

test("(2) an employee of Nuenen finds it and responds with the keyboard alone", async ({ page, request }, testInfo) => {
  // A colleague of the organiser responds too (through the API), with none of the skills.
  const { medewerker } = personas();
  await call(request, medewerker.token, "POST", `/api/v1/assignments/${scene.klusId}/responses`, { motivation: "Ik wil graag meer over de Omgevingswet leren." });

  await signInByMail(page, request, scene.employee.email);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

  // From the top of the page to the Klussenbank, the search field, the klus.
  await tabTo(page, "link", /^Klussenbank$/);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Klussenbank" })).toBeFocused();
  await expectAccessible(page, "employee: the list of klussen");
  await tabTo(page, "searchbox", /^Zoeken$/);
  await page.keyboard.type("Projectleider");
  await expect(page.getByRole("status").filter({ hasText: /klus(sen)? gevonden/ })).toHaveText(/^\d+ klus(sen)? gevonden\./);
  const card = page.getByRole("article", { name: TITLE });
  await expect(card.getByText("Je past voor 50%: je hebt 1 van de 2 vereiste vaardigheden.")).toBeVisible();
  await expect(card.getByText(`Je hebt: ${SKILLS.law.nl} (vereist)`)).toBeVisible();
  await expect(card.getByText(`Je wilt groeien in: ${SKILLS.lead.nl} (vereist)`)).toBeVisible();
  await expect(card.getByText(`Ontbreekt nog: ${SKILLS.people.nl}`)).toBeVisible();
  await expect(card).toContainText("Enkhuizen");
  await expect(card).toContainText("8 uur per week");
  await expectAccessible(page, "employee: the list, searched");
  await screenshots(page, testInfo, "klussenbank");
  await tabTo(page, "link", new RegExp(`^${escape(TITLE)}$`));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: TITLE })).toBeFocused();
  await expectAccessible(page, "employee: the klus");

  // Sending without a motivation: said at the field, which takes the focus.
  await tabTo(page, "button", /^Reactie versturen$/);
  await page.keyboard.press("Enter");
  const motivation = page.getByRole("textbox", { name: /^Motivatie/ });
  await expect(motivation).toBeFocused();
  await expect(page.getByText("Schrijf je motivatie.")).toBeVisible();
  await expect(motivation).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page, "employee: motivation missing");

  await page.keyboard.type("Ik werk in Nuenen aan vergunningen onder de Omgevingswet en wil leren hoe een regionaal project loopt.");
  await tabTo(page, "checkbox", new RegExp(`^${escape(SKILLS.people.nl)}$`));
  await page.keyboard.press("Space");
  await expect(page.getByRole("checkbox", { name: SKILLS.people.nl })).toBeChecked();
  await expect(page.getByText("Met deze keuze: Je past voor 70%: je hebt 1 van de 2 vereiste vaardigheden.")).toBeVisible();
  await tabTo(page, "button", /^Reactie versturen$/);
  await page.keyboard.press("Enter");
  await expect(page.getByText("Je reactie is verstuurd. Je hoort per mail wat de plaatser ermee doet.")).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Je reactie" })).toBeFocused();
  await expect(page.getByText("Reactie ingediend", { exact: true })).toBeVisible();
  await expectAccessible(page, "employee: responded");

  // Her responses, by keyboard too.
  await tabTo(page, "link", /^Al mijn reacties$/);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Mijn reacties" })).toBeFocused();
  await expect(page.getByRole("article", { name: TITLE }).getByText("Reactie ingediend")).toBeVisible();
  await expectAccessible(page, "employee: my responses");
});

test("(3) the organiser sees the responses ranked by fit and selects her", async ({ page }, testInfo) => {
  const { medewerker } = personas();
  await signIn(page, "organisator");
  await page.goto("/klussen/beheer");
  await page.getByRole("article", { name: TITLE }).getByRole("link", { name: /^Reacties bekijken/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Reacties op ‘${TITLE}’` })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "2 reacties" })).toBeVisible();
  const ranked = page.locator(".lw-responses > li h3");
  await expect(ranked).toHaveText([`1. ${scene.employee.name}`, `2. ${medewerker.name}`]);
  const hers = page.getByRole("article", { name: `1. ${scene.employee.name}` });
  await expect(hers.getByText("Past voor 70%: heeft 1 van de 2 vereiste vaardigheden.")).toBeVisible();
  await expect(hers.getByText(`Heeft: ${SKILLS.law.nl} (vereist), ${SKILLS.people.nl}`)).toBeVisible();
  await expect(hers.getByText(`Wil groeien in: ${SKILLS.lead.nl} (vereist)`)).toBeVisible();
  await expect(hers.getByText(`Brengt mee: ${SKILLS.people.nl}`)).toBeVisible();
  await expect(hers).toContainText("Nuenen");
  await expect(hers.getByText(/regionaal project loopt/)).toBeVisible();
  await expectAccessible(page, "poster: responses ranked");
  await screenshots(page, testInfo, "klus-reacties");

  await hers.getByRole("button", { name: `Kiezen (${scene.employee.name})` }).click();
  const message = hers.getByRole("textbox", { name: /^Bericht aan/ });
  await expect(message).toBeFocused();
  await expectAccessible(page, "poster: selecting, message");
  await message.fill("Welkom! We beginnen met een kennismaking op het stadhuis.");
  await hers.getByRole("button", { name: "Kiezen en instemming vragen" }).click();
  await expect(page.getByText(`${scene.employee.name} is gekozen. De leidinggevende is om instemming gevraagd.`)).toBeVisible();
  await expect(hers.getByText("Gekozen, wacht op instemming van de leidinggevende")).toBeVisible();
  await expect(hers.getByText(/^De leidinggevende beslist uiterlijk /)).toBeVisible();
  // Every place is asked for: nobody else can be selected now.
  const other = page.getByRole("article", { name: `2. ${medewerker.name}` });
  await expect(other.getByRole("button", { name: /^Kiezen/ })).toHaveCount(0);
  await expectAccessible(page, "poster: selected, waiting for consent");

  // The colleague is declined, with a word.
  await other.getByRole("button", { name: `Afwijzen (${medewerker.name})` }).click();
  await other.getByRole("textbox", { name: /^Bericht aan/ }).fill("Dank je wel; we kozen iemand met ervaring.");
  await other.getByRole("button", { name: "Afwijzen", exact: true }).click();
  await expect(page.getByText(`De reactie van ${medewerker.name} is afgewezen.`)).toBeVisible();
  await expect(other.getByText("Afgewezen", { exact: true })).toBeVisible();
  await expectAccessible(page, "poster: the other declined");
});

test("(4) her manager consents on /goedkeuren", async ({ page, request }, testInfo) => {
  const mine = await call<{ selection: { id: string } | null; assignment: { id: string } }[]>(
    request, scene.employee.token, "GET", "/api/v1/me/assignment-responses");
  scene.selectionId = mine.find((r) => r.assignment.id === scene.klusId)!.selection!.id;

  await signInByMail(page, request, scene.manager.email);
  await page.goto("/goedkeuren");
  const section = page.getByRole("region", { name: "Klussen: instemming gevraagd" });
  await expect(section.getByRole("heading", { level: 3, name: `${scene.employee.name}: ${TITLE}` })).toBeVisible();
  await expect(section).toContainText("8 uur per week");
  await expectAccessible(page, "manager: consent asked");
  await screenshots(page, testInfo, "instemming");
  await section.getByRole("button", { name: `Instemmen met ${scene.employee.name} voor ‘${TITLE}’`, exact: true }).click();
  await expect(section.getByText(`Ingestemd: ${scene.employee.name} doet mee aan ‘${TITLE}’.`)).toBeVisible();
  await expect(section.getByRole("heading", { level: 3, name: `${scene.employee.name}: ${TITLE}` })).toHaveCount(0);
  await expectAccessible(page, "manager: consented");
  const selection = await call<{ state: string }>(request, scene.employee.token, "GET", `/api/v1/assignment-selections/${scene.selectionId}`);
  expect(selection.state).toBe("approved");
});

test("(4b) the demo's manager consents from the mail's link, without signing in", async ({ page }) => {
  // The demo selected its employee persona for Stede Broec's "Communicatie zomerdrukte
  // Burgerzaken"; her manager got the consent mail with signed links (/instemmen).
  let link = "";
  await expect.poll(() => {
    for (const m of mails()) {
      const text = decodeParts(m.raw);
      if (!text.includes("Communicatie zomerdrukte Burgerzaken")) continue;
      const found = /https?:\/\/[^\s"<>]+\/instemmen\?t=y\.[A-Za-z0-9_.-]+/.exec(text);
      if (found) link = found[0];
    }
    return link;
  }, { timeout: 30_000, message: "the demo's consent mail" }).not.toBe("");
  await page.goto(new URL(link).pathname + new URL(link).search);
  await expect(page.getByRole("heading", { level: 1, name: "Instemmen met een klus" })).toBeVisible();
  await expect(page.getByText("Communicatie zomerdrukte Burgerzaken").first()).toBeVisible();
  await expectAccessible(page, "manager: the consent link's page");
  await page.getByRole("button", { name: "Instemmen" }).click();
  await expect(page.getByRole("status")).toContainText("Ingestemd");
  await expectAccessible(page, "manager: consented from the link");
  // The link acts once.
  await page.goto(new URL(link).pathname + new URL(link).search);
  await expect(page.getByRole("status")).toContainText("al ingestemd");
});

test("(5) the organiser marks the klus done", async ({ page, request }) => {
  await signIn(page, "organisator");
  await page.goto(`/klussen/${scene.klusId}/reacties`);
  const stage = page.getByRole("region", { name: "Stand van de klus" });
  await expect(stage.getByText("Vervuld", { exact: true })).toBeVisible();
  await expect(stage).toContainText("1 van 1 plaats bezet");
  await expect(page.getByText("De leidinggevende stemde in op", { exact: false })).toBeVisible();
  await stage.getByRole("button", { name: "Markeren als afgerond" }).click();
  await expect(stage.getByRole("group", { name: /markeren als afgerond\?/ })).toBeFocused();
  await expectAccessible(page, "poster: asked before done");
  await stage.getByRole("button", { name: "Ja, afgerond" }).click();
  await expect(page.getByText(`‘${TITLE}’ is afgerond.`)).toBeVisible();
  await expect(stage.getByText("Afgerond", { exact: true })).toBeVisible();
  await expectAccessible(page, "poster: done");
  const klus = await call<{ state: string }>(request, personas().organisator.token, "GET", `/api/v1/assignments/${scene.klusId}`);
  expect(klus.state).toBe("done");

  // The figures: a Klussenbank tab in the reports.
  await page.goto("/rapportages?rapport=klussenbank");
  await expect(page.getByRole("heading", { level: 2, name: "Klussenbank" })).toBeVisible();
  const row = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "Enkhuizen" }) });
  await expect(row).toBeVisible();
  await expect(page.getByRole("link", { name: "Download CSV" })).toHaveAttribute("href", /\/api\/v1\/reports\/assignments\?year=\d{4}&format=csv$/);
  await expectAccessible(page, "reports: Klussenbank");
});

test("(6) she finds the klus on Mijn ontwikkeling through the mail's anchor and reflects on it", async ({ page, request }, testInfo) => {
  await signInByMail(page, request, scene.employee.email);
  await page.goto(`/mijn-ontwikkeling#klus-${scene.selectionId}`);
  const heading = page.locator(`#klus-${scene.selectionId}`);
  await expect(heading).toBeFocused();
  await expect(heading).toHaveText(TITLE);
  const card = page.getByRole("article", { name: TITLE });
  await expect(card).toContainText("8 uur per week");
  await expect(card).toContainText(SKILLS.law.nl);
  await expect(card.getByText("Nog geen reflectie geschreven.")).toBeVisible();
  await expectAccessible(page, "employee: the klus in her portfolio");

  await page.keyboard.press("Tab");
  await expect(card.getByRole("textbox", { name: "Wat heb ik geleerd?" })).toBeFocused();
  await page.keyboard.type("Hoe een regionaal project besluiten voorbereidt met vier gemeenten.");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Ik neem de participatieaanpak mee naar ons eigen team.");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Space");
  await expect(card.getByRole("checkbox", { name: "Deel met mijn leidinggevende" })).toBeChecked();
  await tabTo(page, "button", new RegExp(`^Reflectie opslaan \\(${escape(TITLE)}\\)$`));
  await page.keyboard.press("Enter");
  await expect(card.getByText("Je reflectie is opgeslagen en gedeeld met je leidinggevende.")).toBeVisible();
  await expectAccessible(page, "employee: reflection saved");
  await screenshots(page, testInfo, "klus-in-mijn-ontwikkeling");
  const saved = await call<{ learned: string; shared_with_manager: boolean }>(
    request, scene.employee.token, "GET", `/api/v1/assignment-selections/${scene.selectionId}/reflection`);
  expect(saved).toMatchObject({ learned: "Hoe een regionaal project besluiten voorbereidt met vier gemeenten.", shared_with_manager: true });

  // Her response says it all ended well; the settings page explains findability.
  await page.goto("/klussen/mijn-reacties");
  await expect(page.getByRole("article", { name: TITLE }).getByText("Gekozen en definitief")).toBeVisible();
  await expect(page.getByRole("article", { name: TITLE }).getByText("Welkom! We beginnen met een kennismaking op het stadhuis.")).toBeVisible();
  await expectAccessible(page, "employee: my responses, final");
  await page.goto("/klussen/instellingen");
  await page.getByRole("checkbox", { name: "Ik ben vindbaar voor plaatsers van klussen" }).check();
  await page.getByRole("button", { name: "Vindbaarheid opslaan" }).click();
  await expect(page.getByText("Opgeslagen: plaatsers kunnen je nu vinden.")).toBeVisible();
  await expectAccessible(page, "employee: settings saved");
});

test("(7) she saves a search with the weekly mail, withdraws a response, and reads the Klussenbank in English", async ({ page, request }) => {
  // Another open klus she may respond to (one of the demo's), responded to through the API.
  const open = await call<{ items: { id: string; title: string; responded: boolean }[] }>(request, scene.employee.token, "GET", "/api/v1/assignments?per_page=100");
  const other = open.items.find((k) => k.id !== scene.klusId && !k.responded)!;
  expect(other, "an open klus of the demo she may respond to").toBeTruthy();
  await call(request, scene.employee.token, "POST", `/api/v1/assignments/${other.id}/responses`, { motivation: "Dit lijkt me leerzaam." });

  await signInByMail(page, request, scene.employee.email);
  await page.goto("/klussen/instellingen");
  await expect(page.getByRole("heading", { level: 1, name: "Klussenbank: instellingen" })).toBeVisible();
  // The weekly mail needs a search: said, and the search field takes the focus.
  await page.getByRole("checkbox", { name: /^Stuur mij elke week een mail/ }).check();
  await page.getByRole("button", { name: "Zoekopdracht opslaan" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Vul eerst iets in om op te zoeken" })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Zoeken" })).toBeFocused();
  await expectAccessible(page, "settings: weekly mail without a search");
  await page.getByRole("textbox", { name: "Zoeken" }).fill("Omgevingswet");
  await page.getByRole("spinbutton", { name: "Hoogstens uren per week" }).fill("16");
  await page.getByRole("button", { name: "Zoekopdracht opslaan" }).click();
  await expect(page.getByText("Je zoekopdracht is opgeslagen. Je krijgt elke week een mail met nieuwe klussen die passen.")).toBeVisible();
  const profile = await call<{ search_weekly: boolean; search: { q: string; max_hours: number } }>(request, scene.employee.token, "GET", "/api/v1/me/klus-profile");
  expect(profile).toMatchObject({ search_weekly: true, search: { q: "Omgevingswet", max_hours: 16 } });
  await expect(page.getByRole("link", { name: "Bekijk de klussen met deze zoekopdracht" })).toHaveAttribute("href", "/klussen?zoek=Omgevingswet&max-uren=16");
  await expectAccessible(page, "settings: search saved");

  // Withdrawing, asked first.
  await page.goto("/klussen/mijn-reacties");
  const card = page.getByRole("article", { name: other.title });
  await card.getByRole("button", { name: `Reactie intrekken (${other.title})` }).click();
  await expect(card.getByRole("group", { name: new RegExp(`^Je reactie op ‘${escape(other.title)}’ intrekken\\?`) })).toBeFocused();
  await expectAccessible(page, "my responses: withdraw asked");
  await card.getByRole("button", { name: "Ja, intrekken" }).click();
  await expect(page.getByText(`Je reactie op ‘${other.title}’ is ingetrokken.`)).toBeVisible();
  await expect(card.getByText("Ingetrokken", { exact: true })).toBeVisible();
  await expect(card.getByRole("button", { name: /^Reactie intrekken/ })).toHaveCount(0);
  await expectAccessible(page, "my responses: withdrawn");

  // In English: the list, the fit in English words (her own klus is done, so no longer listed).
  await page.goto("/klussen");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Klussenbank" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("status").filter({ hasText: /found\./ })).toHaveText(/^\d+ klus(sen)? found\./);
  await expect(page.locator(".lw-fit__headline").first()).toHaveText(/^(You fit for \d+%: you have \d+ of the \d+ required skills?\.|You fit for \d+%: no skill is required\.|This klus asks for no particular skills\.)$/);
  await expect(page.getByRole("link", { name: "My responses" })).toBeVisible();
  await expectAccessible(page, "the list in English");
  await page.getByRole("button", { name: "Nederlands" }).click();
});
