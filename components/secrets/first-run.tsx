// Shown once after a team is created: confirms it, and points to the next steps (GitHub's and Linear's
// "your workspace is ready" checklists).
import { CheckCircle2 } from "lucide-react";
import Link from "next/link";

export function FirstRun({ teamSlug, teamName }: { teamSlug: string; teamName: string }) {
  const base = `/teams/${teamSlug}/settings`;
  return (
    <section aria-labelledby="first-run-heading" className="mb-6 rounded-lg bg-emerald-50 p-4 ring-1 ring-inset ring-emerald-200">
      <h2 id="first-run-heading" className="flex items-center gap-2 font-semibold text-emerald-800 [overflow-wrap:anywhere]">
        <CheckCircle2 className="size-5 shrink-0" aria-hidden />
        Team {teamName} created. You are its Owner.
      </h2>
      <ol className="mt-2 list-decimal space-y-1 pl-11 text-sm text-emerald-800">
        <li>Add a secret with New secret below (or Import a .env file).</li>
        <li>
          <Link href={`${base}/tokens`} className="font-medium underline">
            Create an access token
          </Link>{" "}
          so your software can read it.
        </li>
        <li>
          <Link href={`${base}/members`} className="font-medium underline">
            Invite your team
          </Link>
          .
        </li>
      </ol>
    </section>
  );
}
