// The chrome of the app's data tables: a keyboard-scrollable region (tabIndex 0, named "<label>, scrollable")
// around one real <table> with a screen-reader caption, column headers, row headers and cells. The Team
// secrets table, which turns into cards on phones, has its own.
import type { ComponentProps, ReactNode } from "react";
import { cn } from "@/lib/cn";

export function Table({
  label,
  caption = label,
  children,
  after,
}: {
  /** Names the scroll region ("<label>, scrollable") and, unless `caption` is given, the table. */
  label: string;
  caption?: string;
  children: ReactNode;
  /** Shown inside the frame below the table (an empty state). */
  after?: ReactNode;
}) {
  return (
    <div
      tabIndex={0}
      role="region"
      aria-label={`${label}, scrollable`}
      className="relative overflow-x-auto rounded-lg bg-white shadow-xs ring-1 ring-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-600"
    >
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        {children}
      </table>
      {after}
    </div>
  );
}

type TColumn = string | { key: string; label: ReactNode; align?: "right" };

export function TableHeader({ columns }: { columns: readonly (TColumn | false | null)[] }) {
  return (
    <thead className="bg-slate-50 text-left text-slate-600">
      <tr>
        {columns.map((c) => {
          if (!c) return null;
          const col = typeof c === "string" ? { key: c, label: c } : c;
          return (
            <th key={col.key} scope="col" className={cn("px-4 py-3 font-semibold", "align" in col && col.align === "right" && "text-right")}>
              {col.label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}

export function TableBody({ className, ...props }: ComponentProps<"tbody">) {
  return <tbody className={cn("divide-y divide-slate-100", className)} {...props} />;
}

/** A cell; `dense` rows (the audit log) use less vertical padding. */
export function Td({ className, dense, ...props }: ComponentProps<"td"> & { dense?: boolean }) {
  return <td className={cn("px-4", dense ? "py-2" : "py-3", className)} {...props} />;
}

export function RowHeader({ className, ...props }: ComponentProps<"th">) {
  return <th scope="row" className={cn("px-4 py-3 text-left font-medium text-slate-900", className)} {...props} />;
}
