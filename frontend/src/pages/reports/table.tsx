// The Utrecht table's markup and classes, written here rather than imported: the Utrecht React
// components live in one module, so importing its Table* into this lazy page would move their
// code (some 6 kB) into the app's initial chunk.
import type { HTMLAttributes, TableHTMLAttributes, TdHTMLAttributes, ThHTMLAttributes } from "react";

const cx = (base: string, extra?: string) => (extra ? `${base} ${extra}` : base);

export function Table({ busy, className, ...rest }: TableHTMLAttributes<HTMLTableElement> & { busy?: boolean }) {
  return <table aria-busy={busy || undefined} className={cx(busy ? "utrecht-table utrecht-table--busy" : "utrecht-table", className)} {...rest} />;
}
export function TableCaption({ className, ...rest }: HTMLAttributes<HTMLTableCaptionElement>) {
  return <caption className={cx("utrecht-table__caption", className)} {...rest} />;
}
export function TableHeader({ className, ...rest }: HTMLAttributes<HTMLTableSectionElement>) {
  return <thead className={cx("utrecht-table__header", className)} {...rest} />;
}
export function TableBody({ className, ...rest }: HTMLAttributes<HTMLTableSectionElement>) {
  return <tbody className={cx("utrecht-table__body", className)} {...rest} />;
}
export function TableFooter({ className, ...rest }: HTMLAttributes<HTMLTableSectionElement>) {
  return <tfoot className={cx("utrecht-table__footer", className)} {...rest} />;
}
export function TableRow({ className, ...rest }: HTMLAttributes<HTMLTableRowElement>) {
  return <tr className={cx("utrecht-table__row", className)} {...rest} />;
}
export function TableHeaderCell({ className, ...rest }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th className={cx("utrecht-table__header-cell", className)} {...rest} />;
}
export function TableCell({ className, ...rest }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={cx("utrecht-table__cell", className)} {...rest} />;
}
