"use client";
// Pagination of the secrets table for teams with thousands of secrets: page size, Previous/Next and a
// page jump (a number field; Enter or Go), with the range shown.
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { inputClass, Options } from "@/components/ui/field";
import { cn } from "@/lib/cn";

const PAGE_SIZES = [10, 25, 50, 100] as const;

export function Pagination({
  page,
  pageSize,
  total,
  onPage,
  onPageSize,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  onPageSize: (size: number) => void;
}) {
  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  const [jump, setJump] = useState("");

  function onJump(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const n = Number(jump);
    if (!Number.isInteger(n) || n < 1) return;
    onPage(Math.min(n, lastPage));
    setJump("");
  }

  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-700">
      <div className="flex items-center gap-3">
        <p className="whitespace-nowrap">
          Showing {from.toLocaleString("en")}–{to.toLocaleString("en")} of {total.toLocaleString("en")}
        </p>
        <label className="inline-flex items-center gap-1.5 whitespace-nowrap">
          <span>Per page</span>
          <select value={pageSize} onChange={(e) => onPageSize(Number(e.target.value))} className={cn(inputClass, "w-auto py-1 pr-8")}>
            <Options values={PAGE_SIZES} />
          </select>
        </label>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="secondary" size="sm" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          Previous
        </Button>
        <span className="whitespace-nowrap">
          Page {page.toLocaleString("en")} of {lastPage.toLocaleString("en")}
        </span>
        <Button variant="secondary" size="sm" disabled={page >= lastPage} onClick={() => onPage(page + 1)}>
          Next
        </Button>
        {lastPage > 2 ? (
          <form method="get" onSubmit={onJump} className="inline-flex items-center gap-1.5">
            <label htmlFor="secrets-page-jump" className="whitespace-nowrap">
              Go to page
            </label>
            <input
              id="secrets-page-jump"
              type="number"
              inputMode="numeric"
              min={1}
              max={lastPage}
              value={jump}
              onChange={(e) => setJump(e.target.value)}
              className={cn(inputClass, "w-20 py-1")}
            />
            <Button type="submit" variant="secondary" size="sm">
              Go
            </Button>
          </form>
        ) : null}
      </div>
    </nav>
  );
}
