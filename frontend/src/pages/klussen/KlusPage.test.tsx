// The klus page and the reader's own response: where it stands, the consent's deadline or the
// manager's reason and the poster's message, all from the klus itself (no second request).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";

// The API client keeps the `fetch` it found when it was made: give it one that asks the mock.
const fetchMock = vi.hoisted(() => {
  const Base = globalThis.Request;
  globalThis.Request = class extends Base {
    constructor(input: RequestInfo | URL, init?: RequestInit) {
      super(typeof input === "string" && input.startsWith("/") ? `http://localhost${input}` : input, init);
    }
  } as typeof Request;
  const f = vi.fn<(input: Request | string) => Promise<Response>>();
  globalThis.fetch = ((input: Request | string) => f(input)) as typeof fetch;
  return f;
});
import type { Assignment } from "../../api/klussen";
import { dateTime } from "../../format";
import KlusPage from "./KlusPage";

const TITLE = "Projectleider Omgevingswet";
const DUE = "2027-03-19T16:00:00Z";

const klus = (a: Partial<Assignment> = {}): Assignment => ({
  id: "k1",
  title: TITLE,
  description: "Een half jaar meedraaien.",
  organisation_id: "o1",
  organisation_name: "Enkhuizen",
  org_unit_id: null,
  unit_name: null,
  contact: null,
  hours_per_week: 8,
  starts_on: null,
  ends_on: null,
  total_hours: null,
  place: "remote",
  location: null,
  skills: [],
  places: 1,
  taken: 0,
  pending: 1,
  reach: "all",
  partners: [],
  closes_on: "2027-03-15",
  state: "open",
  created_at: "2027-03-01T09:00:00Z",
  opened_at: "2027-03-01T09:00:00Z",
  filled_at: null,
  done_at: null,
  may_manage: false,
  may_respond: false,
  fit: null,
  my_response: null,
  responses: null,
  ...a,
});

const asked: string[] = [];

function answer(status: number, body: unknown) {
  const ct = status >= 400 ? "application/problem+json" : "application/json";
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": ct } });
}

function show(a: Assignment) {
  fetchMock.mockImplementation(async (input: Request | string) => {
    const req = input instanceof Request ? input : new Request(new URL(input, "http://localhost"));
    const path = new URL(req.url).pathname;
    asked.push(`${req.method} ${path}`);
    if (path === "/api/v1/assignments/k1") return answer(200, a);
    return answer(404, { type: "about:blank", title: "Niet gevonden", status: 404 });
  });
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={["/klussen/k1"]}>
        <Routes>
          <Route path="/klussen/:id" element={<KlusPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => {
  fetchMock.mockReset();
  asked.length = 0;
});

describe("KlusPage: my response", () => {
  it("shows a selection waiting for consent, its deadline and the poster's message, from the klus alone", async () => {
    show(klus({
      my_response: {
        id: "r1",
        motivation: "Ik ken de Omgevingswet.",
        state: "selected",
        consent_state: "pending",
        message: "Welkom! We beginnen met een kennismaking.",
        selection: { id: "s1", state: "pending", due_at: DUE, decided_at: null, reason: null },
      },
    }));
    expect(await screen.findByRole("heading", { level: 2, name: "Je reactie" })).toBeTruthy();
    expect(screen.getByText("Gekozen, wacht op instemming van de leidinggevende", { exact: true })).toBeTruthy();
    expect(screen.getByText(`De leidinggevende beslist uiterlijk ${dateTime(DUE)}.`)).toBeTruthy();
    expect(screen.getByText("Bericht van de plaatser:").parentElement?.textContent).toBe("Bericht van de plaatser: Welkom! We beginnen met een kennismaking.");
    expect(screen.getByRole("button", { name: "Reactie intrekken" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Al mijn reacties" }).getAttribute("href")).toBe("/klussen/mijn-reacties");
    expect(asked).toEqual(["GET /api/v1/assignments/k1"]);
  });

  it("gives the manager's reason for declining, and no message when the poster wrote none", async () => {
    show(klus({
      my_response: {
        id: "r1",
        motivation: "Ik ken de Omgevingswet.",
        state: "selected",
        consent_state: "declined",
        message: null,
        selection: { id: "s1", state: "declined", due_at: DUE, decided_at: "2027-03-17T10:00:00Z", reason: "Te druk in het voorjaar." },
      },
    }));
    expect(await screen.findByText("Gekozen, maar de leidinggevende stemde niet in", { exact: true })).toBeTruthy();
    expect(screen.getByText("De leidinggevende stemde niet in. Reden: Te druk in het voorjaar.")).toBeTruthy();
    expect(screen.queryByText("Bericht van de plaatser:")).toBeNull();
    expect(asked).toEqual(["GET /api/v1/assignments/k1"]);
  });

  it("offers no withdrawing once the manager consented", async () => {
    show(klus({
      state: "filled",
      my_response: {
        id: "r1",
        motivation: "Ik ken de Omgevingswet.",
        state: "selected",
        consent_state: "approved",
        message: "Welkom!",
        selection: { id: "s1", state: "approved", due_at: DUE, decided_at: "2027-03-17T10:00:00Z", reason: null },
      },
    }));
    expect(await screen.findByText("Gekozen en definitief", { exact: true })).toBeTruthy();
    expect(screen.getByText(`De leidinggevende stemde in op ${dateTime("2027-03-17T10:00:00Z")}: het is definitief.`)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Reactie intrekken" })).toBeNull();
    expect(asked).toEqual(["GET /api/v1/assignments/k1"]);
  });

  it("shows a response not yet chosen, with no consent and no message", async () => {
    show(klus({ my_response: { id: "r1", motivation: "Ik ken de Omgevingswet.", state: "submitted", consent_state: null, message: null, selection: null } }));
    expect(await screen.findByText("Reactie ingediend", { exact: true })).toBeTruthy();
    expect(screen.getByText("Ik ken de Omgevingswet.")).toBeTruthy();
    expect(screen.queryByText(/De leidinggevende/)).toBeNull();
    expect(screen.getByRole("button", { name: "Reactie intrekken" })).toBeTruthy();
    expect(asked).toEqual(["GET /api/v1/assignments/k1"]);
  });
});
