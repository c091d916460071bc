// The rows of an import report in the order a coordinator needs them: what blocks the import
// first (invalid), then what changes, then what is new, then the rest; shown a page at a time.
import type { Schemas } from "../../api/client";

type Row = Schemas["ImportRowDto"];

/** Rows per page of the preview's table. */
export const PER_PAGE = 50;

const RANK: Record<string, number> = { invalid: 0, changed: 1, new: 2, unchanged: 3 };

/** Invalid, changed, new, unchanged; in file order within each. */
export function ordered(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => (RANK[a.status] ?? 4) - (RANK[b.status] ?? 4) || a.line - b.line);
}

/** Page `page` (from 1). */
export function pageOf<T>(rows: T[], page: number): T[] {
  return rows.slice((page - 1) * PER_PAGE, page * PER_PAGE);
}
