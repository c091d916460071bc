import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Schemas } from "../../api/client";
import { MailLinkChoice, ProviderTest } from "./SignInChecks";

const provider = (last_test: Schemas["SsoTestDto"] | null): Schemas["SsoProviderDto"] => ({
  organisation_id: "o1",
  issuer: "https://login.nuenen.nl",
  client_id: "leerweek",
  client_secret_set: true,
  allowed_domains: ["nuenen.nl"],
  create_people: false,
  enabled: false,
  trust_email: false,
  redirect_uri: "https://leerweek.example/aanmelden/sso/callback",
  created_at: "2026-12-01T08:00:00Z",
  updated_at: "2026-12-01T08:00:00Z",
  last_test,
});

function show(ui: React.ReactElement) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(<QueryClientProvider client={qc}>{ui}</QueryClientProvider>);
}

describe("ProviderTest", () => {
  it("shows what the provider returned and what Leerweek would do, never a secret", () => {
    const test = {
      at: "2026-12-05T10:00:00Z", outcome: "would-link", ok: true,
      message_nl: "Gelukt. Het e-mailadres hoort bij een persoon in Leerweek.", message_en: "It works.",
      claims: { subject: "idp-ilse-1", email: "ilse@nuenen.nl", email_verified: null, name: "Ilse de Vries" },
    };
    const { container } = show(<ProviderTest orgId="o1" provider={provider(test)} returned />);
    expect(screen.getByText("Geslaagd")).toBeTruthy();
    expect(container.textContent).toContain("Het e-mailadres hoort bij een persoon");
    expect(container.textContent).toContain("idp-ilse-1");
    expect(container.textContent).toContain("niet meegegeven");
    expect(container.textContent).toContain("De test is klaar");
    expect(screen.getByRole("button", { name: "Test aanmelding" })).toBeTruthy();
  });
  it("says it was never tested, and offers no test before settings are saved", () => {
    const { container, rerender } = show(<ProviderTest orgId="o1" provider={provider(null)} returned={false} />);
    expect(container.textContent).toContain("Nog niet getest");
    rerender(<QueryClientProvider client={new QueryClient()}><ProviderTest orgId="o1" provider={null} returned={false} /></QueryClientProvider>);
    expect(screen.queryByRole("button", { name: "Test aanmelding" })).toBeNull();
    expect(screen.getByText(/Sla eerst instellingen op/)).toBeTruthy();
  });
});

describe("MailLinkChoice", () => {
  it("shows the organisation's choice, labelled with its name", () => {
    const org = { id: "o1", name: "Nuenen", mail_link_sign_in: false, created_at: "2026-12-01T08:00:00Z" } as Schemas["OrganisationDto"];
    show(<MailLinkChoice org={org} providerOffered={false} />);
    const box = screen.getByLabelText("Medewerkers van Nuenen mogen inloggen met een link per mail") as HTMLInputElement;
    expect(box.checked).toBe(false);
    expect(screen.getByText(/geen eigen aanbieder aangeboden/)).toBeTruthy();
  });
});
