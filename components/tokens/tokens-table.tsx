"use client";
// The team's access tokens: prefix only (the token itself was shown once), what each may read, and when it
// was last used. Revoked and expired tokens stay listed, marked, so their history still reads.
import { KeyRound } from "lucide-react";
import { useState } from "react";
import { revokeTokenAction } from "@/app/teams/[team]/settings/tokens/actions";
import { ConfirmDialog } from "@/components/members/confirm-dialog";
import { Button } from "@/components/ui/button";
import type { TAccessTokenDTO } from "@/lib/types/tokens";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

function Status({ token }: { token: TAccessTokenDTO }) {
  if (token.status === "revoked") return <span className="rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700 ring-1 ring-red-200">Revoked</span>;
  if (token.status === "expired") return <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">Expired</span>;
  return null;
}

export function TokensTable({ teamSlug, tokens }: { teamSlug: string; tokens: TAccessTokenDTO[] }) {
  const [status, setStatus] = useState("");
  return (
    <div className="space-y-3">
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-emerald-700">
        {status}
      </p>
      <div tabIndex={0} role="region" aria-label="Access tokens, scrollable" className="relative overflow-x-auto rounded-lg bg-white shadow-xs ring-1 ring-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-600">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Access tokens</caption>
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th scope="col" className="px-4 py-3 font-semibold">Name</th>
              <th scope="col" className="px-4 py-3 font-semibold">Token</th>
              <th scope="col" className="px-4 py-3 font-semibold">Secrets</th>
              <th scope="col" className="px-4 py-3 font-semibold">Created by</th>
              <th scope="col" className="px-4 py-3 font-semibold">Created</th>
              <th scope="col" className="px-4 py-3 font-semibold">Last used</th>
              <th scope="col" className="px-4 py-3 font-semibold">Expires</th>
              <th scope="col" className="px-4 py-3 text-right font-semibold">Actions</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {tokens.map((t) => (
              <tr key={t.id} id={`token-${t.id}`} className={t.status === "active" ? "target:bg-amber-50" : "bg-slate-50/60 text-slate-500 target:bg-amber-50"}>
                <th scope="row" className="px-4 py-3 text-left font-medium text-slate-900">
                  <span className="mr-2">{t.name}</span>
                  <Status token={t} />
                  {t.allowedCidrs.length ? (
                    <span className="mt-0.5 block text-xs font-normal text-slate-500">From {t.allowedCidrs.join(", ")}</span>
                  ) : null}
                </th>
                <td className="px-4 py-3">
                  <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">{t.prefix}…</code>
                </td>
                <td className="px-4 py-3">
                  <ul className="space-y-0.5">
                    {t.secrets.map((s) => (
                      <li key={s.name} className="font-mono text-xs">
                        {s.name}
                        {s.env !== s.name ? <span className="text-slate-500"> as {s.env}</span> : null}
                      </li>
                    ))}
                  </ul>
                </td>
                <td className="px-4 py-3">{t.createdBy ?? <span className="text-slate-500">a removed user</span>}</td>
                <td className="px-4 py-3">
                  <time dateTime={t.createdAt}>{dateFormat.format(new Date(t.createdAt))}</time>
                </td>
                <td className="px-4 py-3">
                  {t.lastUsedAt ? <time dateTime={t.lastUsedAt}>{dateTimeFormat.format(new Date(t.lastUsedAt))}</time> : <span className="text-slate-500">Never</span>}
                </td>
                <td className="px-4 py-3">
                  {t.status === "revoked" && t.revokedAt ? (
                    <span>Revoked <time dateTime={t.revokedAt}>{dateFormat.format(new Date(t.revokedAt))}</time></span>
                  ) : t.expiresAt ? (
                    <time dateTime={t.expiresAt}>{dateFormat.format(new Date(t.expiresAt))}</time>
                  ) : (
                    <span className="font-medium text-amber-700">Never</span>
                  )}
                </td>
                <td className="px-4 py-3 text-right">
                  {t.status === "revoked" ? null : (
                    <ConfirmDialog
                      trigger={
                        // Named by its text (not aria-label), so "Revoke NAME" never doubles as a form label.
                        <Button variant="secondary" size="sm">
                          Revoke<span className="sr-only"> {t.name}</span>
                        </Button>
                      }
                      title={`Revoke ${t.name}?`}
                      description="Software using this token loses access on its next request. This cannot be undone; create a new token to restore access."
                      confirmLabel="Revoke"
                      action={() => revokeTokenAction(teamSlug, { tokenId: t.id })}
                      onDone={(d) => setStatus(`Token ${d.name} revoked.`)}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {tokens.length === 0 ? (
          <div className="flex flex-col items-center gap-2 px-6 py-12 text-center">
            <KeyRound className="size-8 text-slate-300" aria-hidden />
            <p className="font-medium text-slate-900">No access tokens yet</p>
            <p className="text-sm text-slate-600">Create one with New token to give a deployment or a script its secrets.</p>
          </div>
        ) : null}
      </div>
    </div>
  );
}
