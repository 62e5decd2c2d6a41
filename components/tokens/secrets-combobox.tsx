"use client";
// "Secrets": a searchable multi-select (ARIA combobox + multi-selectable listbox). Names come from the
// team's secrets list endpoint (metadata only), filtered on the server so it stays fast with 10,000 secrets.
import { useQuery } from "@tanstack/react-query";
import { Check, Lock } from "lucide-react";
import { useEffect, useId, useState, type KeyboardEvent } from "react";
import { inputClass } from "@/components/ui/field";
import type { TSecretList } from "@/lib/dal/secrets";
import { cn } from "@/lib/cn";

export type TSecretChoice = { name: string; visibility: "masked" | "restricted" };

async function searchSecrets(teamSlug: string, q: string): Promise<TSecretChoice[]> {
  const sp = new URLSearchParams({ pageSize: "50" });
  if (q) sp.set("q", q);
  const res = await fetch(`/api/teams/${encodeURIComponent(teamSlug)}/secrets?${sp}`, { cache: "no-store" });
  if (!res.ok) throw new Error("Could not load secrets.");
  const data = (await res.json()) as TSecretList;
  return data.items.map((s) => ({ name: s.name, visibility: s.visibility }));
}

export function SecretsCombobox({
  teamSlug,
  selected,
  onToggle,
  describedBy,
  invalid,
}: {
  teamSlug: string;
  selected: TSecretChoice[];
  onToggle: (s: TSecretChoice) => void;
  describedBy?: string;
  invalid?: boolean;
}) {
  const id = useId();
  const listId = `${id}-list`;
  const [text, setText] = useState("");
  const [q, setQ] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);

  useEffect(() => {
    const t = setTimeout(() => setQ(text.trim()), 150);
    return () => clearTimeout(t);
  }, [text]);

  const { data, isFetching, isError } = useQuery({
    queryKey: ["secrets", teamSlug, "choices", q],
    queryFn: () => searchSecrets(teamSlug, q),
    enabled: open,
    staleTime: 10_000,
  });
  const options = data ?? [];
  const isSelected = (name: string) => selected.some((s) => s.name === name);
  const activeIndex = Math.min(active, Math.max(0, options.length - 1));

  function choose(o: TSecretChoice | undefined) {
    if (!o) return;
    onToggle(o);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(i + 1, options.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (e.key === "Enter") {
      // Never submit the form from here: Enter picks the active (or the exactly typed) secret.
      e.preventDefault();
      const exact = options.find((o) => o.name.toLowerCase() === text.trim().toLowerCase());
      choose(exact ?? options[activeIndex]);
    } else if (e.key === "Escape" && open) {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
    }
  }

  return (
    <div className="relative">
      <input
        id={`${id}-input`}
        role="combobox"
        aria-label="Secrets"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && options[activeIndex] ? `${id}-opt-${activeIndex}` : undefined}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        autoComplete="off"
        spellCheck={false}
        placeholder={selected.length ? `${selected.length} chosen; search to add more` : "Search secrets by name"}
        className={cn(inputClass, "mt-1.5 font-mono")}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(0);
        }}
        onFocus={() => setOpen(true)}
        onClick={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      <ul
        id={listId}
        role="listbox"
        aria-label="Secret list"
        aria-multiselectable="true"
        hidden={!open}
        className="absolute z-10 mt-1 max-h-56 w-full overflow-y-auto rounded-md bg-white py-1 text-sm shadow-lg ring-1 ring-slate-200"
      >
        {options.map((o, i) => (
          <li
            key={o.name}
            id={`${id}-opt-${i}`}
            role="option"
            aria-selected={isSelected(o.name)}
            // Keeps focus in the input, so the list does not close before the click lands.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(o)}
            onMouseEnter={() => setActive(i)}
            className={cn("flex cursor-pointer items-center gap-2 px-3 py-1.5 font-mono", i === activeIndex && "bg-indigo-50")}
          >
            <Check className={cn("size-3.5", isSelected(o.name) ? "text-indigo-600" : "invisible")} aria-hidden />
            <span className="flex-1 truncate">{o.name}</span>
            {o.visibility === "restricted" ? (
              <span aria-hidden className="inline-flex items-center gap-0.5 font-sans text-xs text-amber-700">
                <Lock className="size-3" /> Restricted
              </span>
            ) : null}
          </li>
        ))}
        {open && !isFetching && !isError && options.length === 0 ? (
          <li className="px-3 py-1.5 text-slate-500">{q ? `No secret matches “${q}”.` : "This team has no secrets yet."}</li>
        ) : null}
        {isError ? <li className="px-3 py-1.5 text-red-600">Could not load secrets.</li> : null}
        {isFetching && options.length === 0 ? <li className="px-3 py-1.5 text-slate-500">Loading…</li> : null}
      </ul>
    </div>
  );
}
