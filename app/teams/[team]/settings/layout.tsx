import { notFound, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { signOutAction } from "@/app/(auth)/actions";
import { SettingsNav } from "@/components/teams/settings-nav";
import { TeamSwitcher } from "@/components/teams/team-switcher";
import { ROLE_LABELS } from "@/lib/authz/policy";
import { touchMemberActivity } from "@/lib/dal/members";
import { countDueSecrets } from "@/lib/dal/secret-details";
import { findTeamAccess, listTeamsForUser } from "@/lib/dal/teams";
import { actorOf, currentUser } from "@/lib/session";

// Chrome of a team's settings. Membership is checked here for the frame, and again by every page and action.
export default async function SettingsLayout({ children, params }: { children: ReactNode; params: Promise<{ team: string }> }) {
  const { team: slug } = await params;
  const user = await currentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(`/teams/${slug}/settings/secrets`)}`);
  const [access, teams] = await Promise.all([findTeamAccess(user.id, slug), listTeamsForUser(user.id)]);
  if (!access) notFound();
  // The Secrets tab's badge: how many secrets are expired, expire within 14 days or are due for rotation.
  const [secretsDue] = await Promise.all([countDueSecrets(actorOf(user), slug), touchMemberActivity(user.id, access.team.id)]);
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:left-4 focus:top-4 focus:z-[70] focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:font-semibold focus:text-indigo-700 focus:shadow-lg focus:ring-2 focus:ring-indigo-600"
      >
        Skip to main content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3 sm:px-6">
          <div className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-1">
            <span className="text-sm font-semibold text-indigo-700">Team Secrets</span>
            <span className="text-slate-300" aria-hidden>/</span>
            <TeamSwitcher current={{ slug: access.team.slug, name: access.team.name }} teams={teams} />
            <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">{ROLE_LABELS[access.role]}</span>
          </div>
          <div className="flex items-center gap-3 text-sm text-slate-600">
            <span className="hidden sm:inline">{user.email}</span>
            <form action={signOutAction}>
              <button type="submit" className="rounded-md px-2 py-1 font-medium hover:bg-slate-100">
                Sign out
              </button>
            </form>
          </div>
        </div>
        <SettingsNav slug={access.team.slug} can={access.can} secretsDue={secretsDue} />
      </header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-6 focus:outline-none sm:px-6 sm:py-8">
        {children}
      </main>
    </div>
  );
}
