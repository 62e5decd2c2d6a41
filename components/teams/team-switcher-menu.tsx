"use client";
// The team switcher's menu: the caller's teams and Create team (loaded on first use by ./team-switcher.tsx).
import Link from "next/link";
import { DropdownMenu } from "radix-ui";
import { switcherTrigger, type TTeamSwitcherProps } from "./team-switcher-trigger";

export function TeamSwitcherMenu({ current, teams, defaultOpen = false }: TTeamSwitcherProps & { defaultOpen?: boolean }) {
  return (
    <DropdownMenu.Root defaultOpen={defaultOpen}>
      <DropdownMenu.Trigger asChild>{switcherTrigger()}</DropdownMenu.Trigger>
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
