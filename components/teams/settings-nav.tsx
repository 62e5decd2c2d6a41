"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/cn";

type Tab = { segment: string; label: string; adminOnly?: boolean };

const TABS: Tab[] = [
  { segment: "secrets", label: "Secrets" },
  { segment: "webhooks", label: "Webhooks" },
  { segment: "members", label: "Members" },
  { segment: "tokens", label: "Access tokens", adminOnly: true },
  { segment: "audit", label: "Audit log", adminOnly: true },
];

export function SettingsNav({ slug, isAdmin }: { slug: string; isAdmin: boolean }) {
  const pathname = usePathname();
  return (
    // Tabs wrap onto a second line on a phone rather than scroll out of sight.
    <nav aria-label="Team settings" className="mx-auto flex max-w-6xl flex-wrap gap-x-1 px-2 sm:px-4">
      {TABS.filter((t) => isAdmin || !t.adminOnly).map((t) => {
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
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
