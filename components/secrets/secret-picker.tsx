"use client";
// "Secrets": the one searchable multi-select over the team's secret names (never values or fingerprints),
// used by the webhook and the access-token dialogs. WAI-ARIA combobox + multi-selectable listbox: type to
// filter, arrow keys move, Enter toggles (the exactly typed name first), Escape closes the list only.
// Names are searched on the server through the secrets list route, so it works with 10,000 secrets; what
// is already selected lives in the parent, so it stays shown whatever the current search returns.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Check, Lock, Pencil, Plus, X } from "lucide-react";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { NewSecretDialog } from "@/components/secrets/new-secret-dialog";
import { RotateSecretDialog } from "@/components/secrets/rotate-secret-dialog";
import { notify } from "@/components/ui/toast";
import { inputClass } from "@/components/ui/field";
import { cn } from "@/lib/cn";
import { fetchTeamData, teamApiPath } from "@/lib/queries/fetch-team-data";
import { secretsKeys } from "@/lib/queries/keys";
import type { TSecretList } from "@/lib/types/secrets";

export type TSecretChoice = { id: string; name: string; visibility: "masked" | "restricted" };

const PAGE_SIZE = 50;
const CREATE = "create";

/** The current version and consumers of one secret, found by its exact name (what Rotate needs). */
async function secretByName(teamSlug: string, name: string): Promise<TSecretList["items"][number] | null> {
  const sp = new URLSearchParams({ pageSize: "100", q: name });
  const data = await fetchTeamData<TSecretList>(`${teamApiPath(teamSlug, "secrets")}?${sp}`, "the secret");
  return data.items.find((s) => s.name === name) ?? null;
}

/**
 * "Rotate NAME" on a chosen secret's chip: the same Rotate dialog as the Team secrets page, so configuring an
 * integration never needs a trip there. The version it expects is read when the chip shows; a rotation by
 * someone else meanwhile gets the dialog's stale-version flow ("Rotate anyway"), never a silent overwrite.
 */
function RotateChosen({ teamSlug, choice }: { teamSlug: string; choice: TSecretChoice }) {
  const { data } = useQuery({
    queryKey: secretsKeys.byName(teamSlug, choice.name),
    queryFn: () => secretByName(teamSlug, choice.name),
    staleTime: 10_000,
  });
  const label = `Rotate ${choice.name}`;
  const button = (disabled: boolean) => (
    <button type="button" disabled={disabled} className="rounded-full p-0.5 hover:bg-indigo-100 disabled:opacity-50" aria-label={label} title={label}>
      <Pencil className="size-3" aria-hidden />
    </button>
  );
  if (!data) return button(true);
  return (
    <RotateSecretDialog
      teamSlug={teamSlug}
      secret={data}
      onRotated={(name, v) => notify(`Secret ${name} rotated to version ${v}.`)}
      trigger={button(false)}
    />
  );
}

/** One page of names matching `q`; only id, name and visibility leave this function. */
async function searchSecrets(teamSlug: string, q: string, onlyMasked: boolean): Promise<TSecretChoice[]> {
  const sp = new URLSearchParams({ pageSize: String(PAGE_SIZE) });
  if (q) sp.set("q", q);
  if (onlyMasked) sp.set("visibility", "masked");
  const data = await fetchTeamData<TSecretList>(`${teamApiPath(teamSlug, "secrets")}?${sp}`, "secrets");
  return data.items.map((s) => ({ id: s.id, name: s.name, visibility: s.visibility }));
}

export function SecretPicker({
  teamSlug,
  selected,
  onToggle,
  listLabel,
  onlyMasked = false,
  showSelected = false,
  canCreate = false,
  canRotate = false,
  onCreated,
  describedBy,
  invalid,
}: {
  teamSlug: string;
  selected: TSecretChoice[];
  onToggle: (s: TSecretChoice) => void;
  /** Accessible name of the listbox (the combobox itself is always "Secrets"). */
  listLabel: string;
  /** Offer Masked secrets only (Editors attaching secrets to a webhook). */
  onlyMasked?: boolean;
  /** Show the selection as removable chips ("Selected secrets") above the input. */
  showSelected?: boolean;
  /** Owners/Admins: a "Create new secret" option that opens New secret and selects what it creates. */
  canCreate?: boolean;
  onCreated?: (s: TSecretChoice) => void;
  /** Owners/Admins: a "Rotate NAME" button on each chosen secret's chip (with showSelected). */
  canRotate?: boolean;
  describedBy?: string;
  invalid?: boolean;
}) {
  const id = useId();
  const listId = `${id}-list`;
  const [text, setText] = useState("");
  const [q, setQ] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  // Once the user moves with the arrows or the pointer, Enter takes that option, not the typed name.
  const [navigated, setNavigated] = useState(false);
  const createRef = useRef<HTMLLIElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const t = setTimeout(() => setQ(text.trim()), 150);
    return () => clearTimeout(t);
  }, [text]);

  const { data, isFetching, isError, isPlaceholderData } = useQuery({
    queryKey: ["secrets", teamSlug, "choices", onlyMasked ? "masked" : "all", q],
    queryFn: () => searchSecrets(teamSlug, q, onlyMasked),
    enabled: open,
    staleTime: 10_000,
    placeholderData: keepPreviousData,
  });
  const options = data ?? [];
  // The list still shows an earlier search (typing outran the debounce or the server).
  const isStale = isPlaceholderData || q !== text.trim();
  const items: (TSecretChoice | typeof CREATE)[] = [...options, ...(canCreate ? [CREATE as typeof CREATE] : [])];
  const activeIndex = Math.min(active, Math.max(0, items.length - 1));
  const activeItem = items[activeIndex];
  const optId = (item: TSecretChoice | typeof CREATE, i: number) => `${id}-opt-${item === CREATE ? CREATE : i}`;
  const isSelected = (s: TSecretChoice) => selected.some((x) => x.id === s.id);

  function choose(item: TSecretChoice | typeof CREATE | undefined) {
    if (!item) return;
    if (item === CREATE) createRef.current?.click();
    else onToggle(item);
  }

  async function selectCreated(name: string) {
    // The new secret is not in the loaded page; look it up by its exact name and select it.
    try {
      const found = (await searchSecrets(teamSlug, name, false)).find((s) => s.name === name);
      if (!found) return;
      if (!selected.some((s) => s.id === found.id)) onToggle(found);
      onCreated?.(found);
    } catch {
      // The secret exists; the user can still find it by typing.
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setOpen(true);
      setNavigated(true);
      setActive((i) => Math.min(i + 1, items.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setNavigated(true);
      setActive((i) => Math.max(i - 1, 0));
    } else if (e.key === "Enter") {
      // Never submit the form from here.
      e.preventDefault();
      if (!open) {
        setOpen(true);
        return;
      }
      if (navigated) return choose(activeItem);
      // Never guess from an earlier search's results: wait until the list matches what was typed.
      if (isStale) return;
      const typed = text.trim().toLowerCase();
      choose(options.find((o) => o.name.toLowerCase() === typed) ?? activeItem);
    } else if (e.key === "Escape" && open) {
      // Close the list, not the dialog.
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
    }
  }

  return (
    <div className="space-y-2">
      {showSelected && selected.length ? (
        <ul aria-label="Selected secrets" className="flex flex-wrap gap-1.5">
          {selected.map((s) => (
            <li key={s.id} className="inline-flex items-center gap-1 rounded-full bg-indigo-50 py-0.5 pl-2.5 pr-1 font-mono text-xs text-indigo-800 ring-1 ring-indigo-200">
              {s.visibility === "restricted" ? <Lock className="size-3" aria-label="Restricted" /> : null}
              {s.name}
              {canRotate ? <RotateChosen teamSlug={teamSlug} choice={s} /> : null}
              <button type="button" onClick={() => onToggle(s)} className="rounded-full p-0.5 hover:bg-indigo-100" aria-label={`Remove ${s.name}`}>
                <X className="size-3" aria-hidden />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="relative">
        <input
          ref={inputRef}
          role="combobox"
          aria-label="Secrets"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open && activeItem ? optId(activeItem, activeIndex) : undefined}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          autoComplete="off"
          spellCheck={false}
          placeholder={selected.length ? `${selected.length} chosen; search to add more` : "Type to find a secret by name"}
          className={cn(inputClass, "font-mono")}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
            setActive(0);
            setNavigated(false);
          }}
          onFocus={() => setOpen(true)}
          onClick={() => setOpen(true)}
          onBlur={(e) => {
            // Keep the list open while focus stays inside the picker; otherwise close after a click lands.
            if (!e.relatedTarget || !(e.currentTarget.parentElement?.contains(e.relatedTarget as Node) ?? false)) {
              // Focus may come back before the delay ends (tab away and straight back): then stay open.
              setTimeout(() => {
                if (document.activeElement !== inputRef.current) setOpen(false);
              }, 150);
            }
          }}
          onKeyDown={onKeyDown}
        />
        <ul
          id={listId}
          role="listbox"
          aria-label={listLabel}
          aria-multiselectable="true"
          hidden={!open}
          className="absolute z-10 mt-1 max-h-60 w-full overflow-y-auto rounded-md bg-white py-1 text-sm shadow-lg ring-1 ring-slate-900/10"
          // Keep focus in the input when an option is clicked; events from the portaled New secret dialog
          // bubble here through React's tree and must keep their default.
          onMouseDown={(e) => {
            if (e.currentTarget.contains(e.target as Node)) e.preventDefault();
          }}
        >
          {options.map((o, i) => (
            <li
              key={o.id}
              id={optId(o, i)}
              role="option"
              aria-selected={isSelected(o)}
              onClick={() => choose(o)}
              onMouseEnter={() => {
                setActive(i);
                setNavigated(true);
              }}
              className={cn("flex cursor-pointer items-center gap-2 px-3 py-1.5 font-mono", i === activeIndex && "bg-indigo-50")}
            >
              <Check className={cn("size-3.5", isSelected(o) ? "text-indigo-700" : "invisible")} aria-hidden />
              <span className="flex-1 truncate">{o.name}</span>
              {o.visibility === "restricted" ? (
                <span aria-hidden className="inline-flex items-center gap-0.5 font-sans text-xs text-amber-700">
                  <Lock className="size-3" /> Restricted
                </span>
              ) : null}
            </li>
          ))}
          {open && !isFetching && !isError && options.length === 0 ? (
            <li className="px-3 py-1.5 text-slate-500">{q ? `No secret matches “${q}”.` : onlyMasked ? "This team has no Masked secrets yet." : "This team has no secrets yet."}</li>
          ) : null}
          {isError ? <li className="px-3 py-1.5 text-red-700">Could not load secrets.</li> : null}
          {isFetching && options.length === 0 ? <li className="px-3 py-1.5 text-slate-500">Loading…</li> : null}
          {canCreate ? (
            <NewSecretDialog
              teamSlug={teamSlug}
              onCreated={(name) => void selectCreated(name)}
              trigger={
                <li
                  ref={createRef}
                  id={`${id}-opt-${CREATE}`}
                  role="option"
                  aria-selected={false}
                  onMouseEnter={() => {
                    setActive(items.length - 1);
                    setNavigated(true);
                  }}
                  className={cn(
                    "flex cursor-pointer items-center gap-2 border-t border-slate-100 px-3 py-1.5 text-indigo-700",
                    activeItem === CREATE && "bg-indigo-50",
                  )}
                >
                  <Plus className="size-3.5" aria-hidden />
                  Create new secret
                </li>
              }
            />
          ) : null}
        </ul>
      </div>
    </div>
  );
}
