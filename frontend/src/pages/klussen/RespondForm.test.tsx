import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
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
import { FitExplained } from "./parts";
import { RespondForm } from "./RespondForm";

const klus = {
  id: "k1",
  title: "Projectleider Omgevingswet",
  organisation_name: "Enkhuizen",
  skills: [
    { skill_id: "s1", name: "Presenteren", required: true },
    { skill_id: "s2", name: "Excel", required: false },
  ],
  fit: {
    percent: 33, points: 2, max: 6, required_had: 0, required_asked: 1, growth: 0,
    parts: [
      { skill_id: "s1", name: "Presenteren", required: true, standing: "missing", points: 0 },
      { skill_id: "s2", name: "Excel", required: false, standing: "has", points: 2 },
    ],
  },
} as unknown as Assignment;

function show(onDone = vi.fn()) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <RespondForm a={klus} onDone={onDone} />
    </QueryClientProvider>,
  );
  return onDone;
}

function answer(status: number, body: unknown) {
  const ct = status >= 400 ? "application/problem+json" : "application/json";
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": ct } });
}

afterEach(() => fetchMock.mockReset());

describe("RespondForm", () => {
  it("asks for a motivation before sending, next to the field, and puts the focus there", async () => {
    show();
    fireEvent.click(screen.getByRole("button", { name: "Reactie versturen" }));
    const field = screen.getByLabelText(/^Motivatie/);
    expect(await screen.findByText("Schrijf je motivatie.")).toBeTruthy();
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(field);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("offers the skills not in one's list, shows the fit with what one brings, and sends both", async () => {
    const sent: unknown[] = [];
    fetchMock.mockImplementation(async (input: Request | string) => {
      const req = input instanceof Request ? input : new Request(new URL(input, "http://localhost"));
      if (req.url.endsWith("/api/v1/auth/session")) return answer(200, { csrf_token: "x" });
      sent.push({ url: req.url, body: await req.json() });
      return answer(201, { id: "r1" });
    });
    const onDone = show();
    expect(screen.queryByLabelText("Excel")).toBeNull();
    expect(screen.getByText("Staat al in je profiel en telt al mee: Excel")).toBeTruthy();
    fireEvent.click(screen.getByLabelText("Presenteren (vereist)"));
    expect(screen.getByText("Met deze keuze: Je past voor 100%: je hebt 1 van de 1 vereiste vaardigheid.")).toBeTruthy();
    fireEvent.change(screen.getByLabelText(/^Motivatie/), { target: { value: "  Ik heb dit eerder gedaan. " } });
    fireEvent.click(screen.getByRole("button", { name: "Reactie versturen" }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(sent).toEqual([{ url: "http://localhost/api/v1/assignments/k1/responses", body: { motivation: "Ik heb dit eerder gedaan.", skills: ["s1"] } }]);
  });

  it("shows the server's word on a field next to that field", async () => {
    fetchMock.mockImplementation(async (input: Request | string) => {
      const req = input instanceof Request ? input : new Request(new URL(input, "http://localhost"));
      if (req.url.endsWith("/api/v1/auth/session")) return answer(200, { csrf_token: "x" });
      return answer(422, {
        type: "/errors/invalid", title: "Ongeldig", status: 422, detail: "Er klopt iets niet.",
        errors: [{ field: "skills[0]", detail: "Deze vaardigheid vraagt de klus niet." }],
      });
    });
    show();
    fireEvent.change(screen.getByLabelText(/^Motivatie/), { target: { value: "Graag!" } });
    fireEvent.click(screen.getByRole("button", { name: "Reactie versturen" }));
    expect(await screen.findByText("Deze vaardigheid vraagt de klus niet.")).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toContain("verbeter wat bij de velden staat");
  });
});

describe("FitExplained", () => {
  it("says the fit in words, not by colour", () => {
    render(<FitExplained fit={klus.fit} />);
    expect(screen.getByText("Je past voor 33%: je hebt 0 van de 1 vereiste vaardigheid.")).toBeTruthy();
    expect(screen.getByText("Je hebt: Excel")).toBeTruthy();
    expect(screen.getByText("Ontbreekt nog: Presenteren (vereist)")).toBeTruthy();
  });
});
