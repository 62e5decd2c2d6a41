"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { TTeamPolicy } from "@/lib/authz/policy";
import { cn } from "@/lib/cn";

// A tab that needs a capability names its flag of teamPolicy (lib/authz); the others are every member's.
type Tab = { segment: string; label: string; needs?: keyof TTeamPolicy };

const TABS: Tab[] = [
  { segment: "secrets", label: "Secrets" },
  { segment: "webhooks", label: "Webhooks" },
  { segment: "members", label: "Members" },
  { segment: "tokens", label: "Access tokens", needs: "canManageTokens" },
  { segment: "audit", label: "Audit log", needs: "canReadAudit" },
];

/**
 * `secretsDue`: the Secrets tab shows a count badge when secrets are expired, expire within 14 days or are due
 * for rotation. Its accessible name is "Secrets, 3 due", from text (not aria-label), so it names no form control.
 */
export function SettingsNav({ slug, can, secretsDue = 0 }: { slug: string; can: TTeamPolicy; secretsDue?: number }) {
  const pathname = usePathname();
  return (
    // Tabs wrap onto a second line on a phone rather than scroll out of sight.
    <nav aria-label="Team settings" className="mx-auto flex max-w-6xl flex-wrap gap-x-1 px-2 sm:px-4">
      {TABS.filter((t) => !t.needs || can[t.needs]).map((t) => {
        const href = `/teams/${slug}/settings/${t.segment}`;
        const active = pathname.startsWith(href);
        return (
          <Link
            key={t.segment}
            href={href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "whitespace-nowrap border-b-2 px-2 py-2 text-sm font-medium sm:px-3",
              active ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-700 hover:text-slate-900",
            )}
          >
            {t.segment === "secrets" && secretsDue > 0 ? (
              <>
                <span aria-hidden>{t.label}</span>
                <span
                  aria-hidden
                  title={`${secretsDue} due: expired, expiring within 14 days, or due for rotation`}
                  className="ml-1.5 rounded-full bg-amber-100 px-1.5 py-0.5 text-xs font-semibold tabular-nums text-amber-900"
                >
                  {secretsDue}
                </span>
                <span className="sr-only">{`${t.label}, ${secretsDue} due`}</span>
              </>
            ) : (
              t.label
            )}
          </Link>
        );
      })}
    </nav>
  );
}
