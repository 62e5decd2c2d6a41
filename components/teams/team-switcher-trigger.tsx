"use client";
// The team switcher's button and props, rendered by the switcher and by its menu (loaded later): apart from
// team-switcher.tsx so that the menu's module does not import the module that loads it.
import { ChevronsUpDown } from "lucide-react";

type TTeamRef = { slug: string; name: string };
export type TTeamSwitcherProps = { current: TTeamRef; teams: TTeamRef[] };

/** The menu's button; the menu renders it as its trigger once mounted. */
export const switcherTrigger = () => (
  <button type="button" aria-label="Switch team" className="rounded p-1 text-slate-500 hover:bg-slate-100">
    <ChevronsUpDown className="size-4" aria-hidden />
  </button>
);
