import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { pageInfo } from "./model";
import { Downloads, Pager } from "./parts";
import { scopeOf } from "./Reports";

afterEach(cleanup);

describe("Pager", () => {
  it("says which page of how many, and moves on", () => {
    const onPage = vi.fn();
    render(<Pager info={pageInfo(341, 2, 50)} total={341} onPage={onPage} />);
    expect(screen.getByRole("status").textContent).toBe("Pagina 2 van 7 · Rij 51–100 van 341");
    fireEvent.click(screen.getByRole("button", { name: "Volgende" }));
    fireEvent.click(screen.getByRole("button", { name: "Vorige" }));
    expect(onPage.mock.calls).toEqual([[3], [1]]);
  });
  it("keeps a button at the end focusable but marks it unavailable", () => {
    const onPage = vi.fn();
    render(<Pager info={pageInfo(20, 1, 50)} total={20} onPage={onPage} />);
    const prev = screen.getByRole("button", { name: "Vorige" });
    expect(prev.getAttribute("aria-disabled")).toBe("true");
    expect(prev.hasAttribute("disabled")).toBe(false);
    fireEvent.click(prev);
    fireEvent.click(screen.getByRole("button", { name: "Volgende" }));
    expect(onPage).not.toHaveBeenCalled();
  });
});

describe("Downloads", () => {
  it("links to the report as CSV and Excel", () => {
    render(<Downloads eventId="e1" kind="mix" />);
    const csv = screen.getByRole("link", { name: "Download CSV" });
    const xlsx = screen.getByRole("link", { name: "Download Excel" });
    expect(csv.getAttribute("href")).toBe("/api/v1/events/e1/reports/mix?format=csv");
    expect(xlsx.getAttribute("href")).toBe("/api/v1/events/e1/reports/mix?format=xlsx");
    expect(csv.hasAttribute("download")).toBe(true);
  });
});

describe("scope", () => {
  it("follows the widest role", () => {
    expect(scopeOf(["manager"])).toBe("manager");
    expect(scopeOf(["manager", "organiser"])).toBe("organiser");
    expect(scopeOf(["organiser", "admin"])).toBe("admin");
  });
});
