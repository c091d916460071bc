import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

// The API client keeps the `fetch` it found when it was made: give it one that asks the mock.
// Node's Request wants absolute addresses; the browser resolves the client's relative ones.
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
import { CancelEnrolment } from "./CancelEnrolment";
import type { EnrolmentItem } from "./forms";

const item = {
  id: "e1", session_id: "s1", person_id: "p1", status: "confirmed", person_name: "Anna de Vries",
  person_email: "anna@example.nl", attendance: null,
} as unknown as EnrolmentItem;

function show(onDone = vi.fn()) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <CancelEnrolment item={item} session={{ id: "s1", workshop_id: "w1", event_id: "ev1" }} onDone={onDone} />
    </QueryClientProvider>,
  );
  return onDone;
}

function answer(status: number, body: unknown) {
  const ct = status >= 400 ? "application/problem+json" : "application/json";
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": ct } });
}

afterEach(() => fetchMock.mockReset());

describe("CancelEnrolment", () => {
  it("asks the reason and shows the server's word at the field", async () => {
    const calls: { url: string; body: unknown }[] = [];
    fetchMock.mockImplementation(async (input: Request | string) => {
      const req = input instanceof Request ? input : new Request(new URL(input, "http://localhost"));
      if (req.url.endsWith("/api/v1/auth/session")) return answer(200, { csrf_token: "x" });
      calls.push({ url: req.url, body: await req.json() });
      return answer(422, {
        type: "/errors/cancellation-reason-required", title: "Afmelden niet mogelijk", status: 422,
        detail: "Geef een reden op; die komt in de mail aan de deelnemer.", field: "reason",
      });
    });
    show();
    fireEvent.click(screen.getByRole("button", { name: "Anna de Vries afmelden" }));
    const reason = await screen.findByLabelText(/^Reden/);
    fireEvent.click(screen.getByRole("button", { name: "Afmelden met deze reden" }));
    expect(await screen.findByText("Geef een reden op; die komt in de mail aan de deelnemer.")).toBeTruthy();
    expect(reason.getAttribute("aria-invalid")).toBe("true");
    expect(calls[0]!.url).toMatch(/\/api\/v1\/enrolments\/e1\/cancellation$/);
    expect(calls[0]!.body).toEqual({ reason: "" });
  });

  it("cancels with the reason typed and says so", async () => {
    fetchMock.mockImplementation(async (input: Request | string) => {
      const req = input instanceof Request ? input : new Request(new URL(input, "http://localhost"));
      if (req.url.endsWith("/api/v1/auth/session")) return answer(200, { csrf_token: "x" });
      return answer(200, { ...item, status: "cancelled" });
    });
    const onDone = show();
    fireEvent.click(screen.getByRole("button", { name: "Anna de Vries afmelden" }));
    fireEvent.change(await screen.findByLabelText(/^Reden/), { target: { value: "Dubbel geboekt" } });
    fireEvent.click(screen.getByRole("button", { name: "Afmelden met deze reden" }));
    await vi.waitFor(() => expect(onDone).toHaveBeenCalledWith("Anna de Vries"));
  });
});
