"use client";
// Lists the caller's teams (names they can already see) and links to creating another.
import { ChevronsUpDown } from "lucide-react";
import Link from "next/link";
import { DropdownMenu } from "radix-ui";

type TeamRef = { slug: string; name: string };

export function TeamSwitcher({ current, teams }: { current: TeamRef; teams: TeamRef[] }) {
  return (
    <DropdownMenu.Root>
      <span className="text-sm font-semibold text-slate-900">{current.name}</span>
      <DropdownMenu.Trigger aria-label="Switch team" className="rounded p-1 text-slate-500 hover:bg-slate-100">
        <ChevronsUpDown className="size-4" aria-hidden />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="start" sideOffset={6} className="z-50 min-w-48 rounded-md bg-white p-1 shadow-lg ring-1 ring-slate-900/10">
          {teams.map((t) => (
            <DropdownMenu.Item key={t.slug} asChild>
              <Link
                href={`/teams/${t.slug}/settings/secrets`}
                aria-current={t.slug === current.slug ? "true" : undefined}
                className="block rounded px-3 py-1.5 text-sm outline-none data-highlighted:bg-slate-100"
              >
                {t.name}
              </Link>
            </DropdownMenu.Item>
          ))}
          <DropdownMenu.Separator className="my-1 h-px bg-slate-200" />
          <DropdownMenu.Item asChild>
            <Link href="/teams/new" className="block rounded px-3 py-1.5 text-sm text-indigo-700 outline-none data-highlighted:bg-slate-100">
              Create team
            </Link>
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
