"use client";
// Lists the caller's teams (names they can already see) and links to creating another. The menu's code (Radix
// DropdownMenu and its positioning) is fetched when the switcher is first opened, not with every settings page
// (components/ui/deferred.tsx).
import { ChevronsUpDown } from "lucide-react";
import { deferred } from "@/components/ui/deferred";

type TTeamRef = { slug: string; name: string };
export type TTeamSwitcherProps = { current: TTeamRef; teams: TTeamRef[] };

/** The menu's button; the menu renders it as its trigger once mounted. */
export const switcherTrigger = () => (
  <button type="button" aria-label="Switch team" className="rounded p-1 text-slate-500 hover:bg-slate-100">
    <ChevronsUpDown className="size-4" aria-hidden />
  </button>
);

const TeamSwitcherMenu = deferred(() => import("./team-switcher-menu").then((m) => m.TeamSwitcherMenu), switcherTrigger, "menu");

export function TeamSwitcher(props: TTeamSwitcherProps) {
  return (
    <>
      <span className="text-sm font-semibold text-slate-900">{props.current.name}</span>
      <TeamSwitcherMenu {...props} />
    </>
  );
}
