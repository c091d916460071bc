import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ApiProblem } from "../api/client";
import { MyStatusBadge, SeatBadge } from "./SeatBadge";
import { ProblemAlert } from "./States";

describe("SeatBadge", () => {
  it("says in words how full a session is", () => {
    const { rerender } = render(<SeatBadge seatsLeft={5} waitlist={0} />);
    expect(screen.getByText("Nog 5 plaatsen")).toBeTruthy();
    rerender(<SeatBadge seatsLeft={1} waitlist={0} />);
    expect(screen.getByText("Nog 1 plaats")).toBeTruthy();
    rerender(<SeatBadge seatsLeft={0} waitlist={7} />);
    expect(screen.getByText("Vol · 7 op de wachtlijst")).toBeTruthy();
    rerender(<SeatBadge seatsLeft={3} waitlist={0} cancelled />);
    expect(screen.getByText("Gaat niet door")).toBeTruthy();
  });
  it("shows one's own place in the queue", () => {
    render(<MyStatusBadge status="waitlisted" position={4} />);
    expect(screen.getByText("Je staat op de wachtlijst (plaats 4)")).toBeTruthy();
  });
});

describe("ProblemAlert", () => {
  it("shows the server's message and every field at fault, as an alert", () => {
    const p = new ApiProblem(422, {
      type: "https://leerweek.nl/errors/validation",
      title: "Ongeldige invoer",
      status: 422,
      detail: "Twee velden kloppen niet.",
      errors: [
        { field: "capacity", detail: "moet tussen 1 en 10.000 liggen" },
        { field: "ends_at", detail: "moet na het begin liggen" },
      ],
    });
    render(<ProblemAlert error={p} title="Niet opgeslagen" />);
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("Niet opgeslagen");
    expect(alert.textContent).toContain("Twee velden kloppen niet.");
    expect(alert.textContent).toContain("capacity: moet tussen 1 en 10.000 liggen");
    expect(p.slug).toBe("validation");
  });
  it("explains a lost connection in people's words", () => {
    render(<ProblemAlert error={new ApiProblem(0, { detail: "TypeError: Failed to fetch" })} />);
    expect(screen.getByRole("alert").textContent).toContain("Geen verbinding met Leerweek");
  });
  it("renders nothing without an error", () => {
    const { container } = render(<ProblemAlert error={null} />);
    expect(container.textContent).toBe("");
  });
});
