"use client";
// Lists the caller's teams (names they can already see) and links to creating another. The menu's code (Radix
// DropdownMenu and its positioning) is fetched when the switcher is first opened, not with every settings page
// (components/ui/deferred.tsx).
import { switcherTrigger, type TTeamSwitcherProps } from "./team-switcher-trigger";
import { deferred } from "@/components/ui/deferred";

const TeamSwitcherMenu = deferred(() => import("./team-switcher-menu").then((m) => m.TeamSwitcherMenu), switcherTrigger, "menu");

export function TeamSwitcher(props: TTeamSwitcherProps) {
  return (
    <>
      <span className="text-sm font-semibold text-slate-900">{props.current.name}</span>
      <TeamSwitcherMenu {...props} />
    </>
  );
}
