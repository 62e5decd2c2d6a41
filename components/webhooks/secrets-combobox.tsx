"use client";
// "Secrets": a multi-select combobox over the team's secret names (never values), following the WAI-ARIA
// combobox pattern: type to filter, arrow keys move, Enter toggles, Escape closes. Selected secrets show
// as chips with a remove button. Owners/Admins also get "Create new secret", which opens the New secret
// dialog and selects the secret it creates.
import { Check, Lock, Plus, X } from "lucide-react";
import { useId, useMemo, useRef, useState } from "react";
import { NewSecretDialog } from "@/components/secrets/new-secret-dialog";
import { inputClass } from "@/components/ui/field";
import { cn } from "@/lib/cn";
import type { TSecretOption } from "@/lib/dal/webhooks";

const SHOWN = 50;
const CREATE = "__create__";

export function SecretsCombobox({
  teamSlug,
  options,
  selected,
  onChange,
  canCreate,
  onCreated,
  describedBy,
  invalid,
}: {
  teamSlug: string;
  options: TSecretOption[];
  selected: string[];
  onChange: (ids: string[]) => void;
  canCreate: boolean;
  onCreated: (name: string) => void;
  describedBy?: string;
  invalid?: boolean;
}) {
  const id = useId();
  const listId = `${id}-list`;
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const createRef = useRef<HTMLLIElement>(null);
  const byId = useMemo(() => new Map(options.map((o) => [o.id, o])), [options]);
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    return options.filter((o) => !q || o.name.toLowerCase().includes(q)).slice(0, SHOWN);
  }, [options, query]);
  const items = [...matches.map((m) => m.id), ...(canCreate ? [CREATE] : [])];
  const activeKey = items[Math.min(active, items.length - 1)];

  function toggle(secretId: string) {
    onChange(selected.includes(secretId) ? selected.filter((s) => s !== secretId) : [...selected, secretId]);
  }
  function choose(key: string | undefined) {
    if (!key) return;
    if (key === CREATE) {
      createRef.current?.click();
      return;
    }
    toggle(key);
  }

  return (
    <div className="space-y-2">
      {selected.length ? (
        <ul aria-label="Selected secrets" className="flex flex-wrap gap-1.5">
          {selected.map((sid) => {
            const o = byId.get(sid);
            const name = o?.name ?? "Unknown secret";
            return (
              <li key={sid} className="inline-flex items-center gap-1 rounded-full bg-indigo-50 py-0.5 pl-2.5 pr-1 font-mono text-xs text-indigo-800 ring-1 ring-indigo-200">
                {o?.visibility === "restricted" ? <Lock className="size-3" aria-label="Restricted" /> : null}
                {name}
                <button
                  type="button"
                  onClick={() => toggle(sid)}
                  className="rounded-full p-0.5 hover:bg-indigo-100"
                  aria-label={`Remove ${name}`}
                >
                  <X className="size-3" aria-hidden />
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
      <div className="relative">
        <input
          role="combobox"
          aria-label="Secrets"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open && activeKey ? `${id}-opt-${activeKey}` : undefined}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          autoComplete="off"
          spellCheck={false}
          placeholder="Type to find a secret by name"
          className={cn(inputClass, "font-mono")}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setOpen(true);
            setActive(0);
          }}
          onFocus={() => setOpen(true)}
          onClick={() => setOpen(true)}
          onBlur={(e) => {
            // Keep the list open while the pointer is on it (options are not focusable).
            if (!e.relatedTarget || !(e.currentTarget.parentElement?.contains(e.relatedTarget as Node) ?? false)) {
              setTimeout(() => setOpen(false), 150);
            }
          }}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") {
              e.preventDefault();
              setOpen(true);
              setActive((a) => Math.min(a + 1, items.length - 1));
            } else if (e.key === "ArrowUp") {
              e.preventDefault();
              setActive((a) => Math.max(a - 1, 0));
            } else if (e.key === "Enter") {
              if (open) {
                e.preventDefault();
                choose(activeKey);
              }
            } else if (e.key === "Escape" && open) {
              // Close the list, not the dialog.
              e.preventDefault();
              e.stopPropagation();
              setOpen(false);
            }
          }}
        />
        <ul
          id={listId}
          role="listbox"
          aria-label="Secrets"
          aria-multiselectable="true"
          hidden={!open}
          className="absolute z-10 mt-1 max-h-60 w-full overflow-y-auto rounded-md bg-white py-1 text-sm shadow-lg ring-1 ring-slate-900/10"
          // Keep focus in the input when an option is clicked; events from the portaled New secret dialog
          // bubble here through React's tree and must keep their default.
          onMouseDown={(e) => {
            if (e.currentTarget.contains(e.target as Node)) e.preventDefault();
          }}
        >
          {matches.map((o, i) => {
            const isSelected = selected.includes(o.id);
            return (
              <li
                key={o.id}
                id={`${id}-opt-${o.id}`}
                role="option"
                aria-selected={isSelected}
                onClick={() => toggle(o.id)}
                onMouseEnter={() => setActive(i)}
                className={cn(
                  "flex cursor-pointer items-center gap-2 px-3 py-1.5 font-mono",
                  activeKey === o.id ? "bg-indigo-50" : "",
                )}
              >
                <Check className={cn("size-3.5", isSelected ? "text-indigo-600" : "invisible")} aria-hidden />
                {o.name}
                {o.visibility === "restricted" ? <Lock className="ml-auto size-3.5 text-slate-400" aria-hidden /> : null}
              </li>
            );
          })}
          {matches.length === 0 ? <li className="px-3 py-1.5 text-slate-500">No secret matches “{query}”.</li> : null}
          {canCreate ? (
            <NewSecretDialog
              teamSlug={teamSlug}
              onCreated={onCreated}
              trigger={
                <li
                  ref={createRef}
                  id={`${id}-opt-${CREATE}`}
                  role="option"
                  aria-selected={false}
                  onMouseEnter={() => setActive(items.length - 1)}
                  className={cn(
                    "flex cursor-pointer items-center gap-2 border-t border-slate-100 px-3 py-1.5 text-indigo-700",
                    activeKey === CREATE ? "bg-indigo-50" : "",
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
