import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { MailBanner } from "./shared";

function health(failing: boolean) {
  return {
    failing,
    failing_since: failing ? "2027-11-15T08:00:00Z" : null,
    last_sent_at: null,
    threshold_minutes: 15,
    counts: { pending: 3, retrying: 3, failed: 2, sent: 0 },
  };
}

function show(body: unknown) {
  // What the API answered (GET /api/v1/admin/mail/health), already in the cache.
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  qc.setQueryData(["mail-health"], body);
  return render(
    <QueryClientProvider client={qc}>
      <MemoryRouter>
        <MailBanner />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("MailBanner", () => {
  it("warns, as an alert with a way to the mail, when the API says mail has been failing", async () => {
    show(health(true));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("De mail komt niet aan");
    expect(alert.textContent).toContain("2 mislukt, 3 worden opnieuw geprobeerd");
    expect(screen.getByRole("link", { name: "Bekijk de mail" }).getAttribute("href")).toBe("/beheer/mail?status=failed");
  });
  it("says nothing while mail goes out", async () => {
    const { container } = show(health(false));
    await new Promise((r) => setTimeout(r, 50));
    expect(container.textContent).toBe("");
  });
});
