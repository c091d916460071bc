// A card in "Klussen die ik beheer": beside the places taken, how many wait for a manager's
// consent (only when some do); the reader's list says neither.
import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import type { AssignmentSummary } from "../../api/klussen";
import i18n from "../../i18n";
import { KlusCard } from "./KlusCard";

const summary = (s: Partial<AssignmentSummary> = {}): AssignmentSummary => ({
  id: "k1",
  title: "Projectleider Omgevingswet",
  organisation_id: "o1",
  organisation_name: "Enkhuizen",
  unit_name: null,
  hours_per_week: 8,
  starts_on: null,
  ends_on: null,
  place: "remote",
  closes_on: "2027-03-15",
  places: 3,
  taken: 1,
  pending: 0,
  responded: false,
  skills: [],
  state: "open",
  fit: null,
  ...s,
});

function card(a: AssignmentSummary, managed: boolean) {
  return render(
    <MemoryRouter>
      <ul>
        <KlusCard a={a} managed={managed} />
      </ul>
    </MemoryRouter>,
  );
}

afterEach(() => void i18n.changeLanguage("nl"));

describe("KlusCard", () => {
  it("says, for its managers, how many wait for consent next to the places taken", () => {
    card(summary({ pending: 1 }), true);
    expect(screen.getByText("1 van 3 plaatsen bezet", { exact: true })).toBeTruthy();
    expect(screen.getByText("1 wacht op instemming", { exact: true })).toBeTruthy();
  });

  it("uses the plural for more than one", () => {
    card(summary({ taken: 0, pending: 2 }), true);
    expect(screen.getByText("0 van 3 plaatsen bezet", { exact: true })).toBeTruthy();
    expect(screen.getByText("2 wachten op instemming", { exact: true })).toBeTruthy();
  });

  it("says nothing of consent while none waits", () => {
    card(summary({ places: 1, taken: 0, pending: 0 }), true);
    expect(screen.getByText("0 van 1 plaats bezet", { exact: true })).toBeTruthy();
    expect(screen.queryByText(/instemming/)).toBeNull();
  });

  it("says it in English on an English page", async () => {
    await i18n.changeLanguage("en");
    card(summary({ pending: 1 }), true);
    expect(screen.getByText("1 of 3 places taken", { exact: true })).toBeTruthy();
    expect(screen.getByText("1 waiting for consent", { exact: true })).toBeTruthy();
  });

  it("shows neither in the reader's list", () => {
    card(summary({ pending: 1 }), false);
    expect(screen.queryByText(/plaatsen bezet/)).toBeNull();
    expect(screen.queryByText(/instemming/)).toBeNull();
  });
});
