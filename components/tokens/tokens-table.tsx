"use client";
// The team's access tokens: prefix only (the token itself was shown once), what each may read, and when it
// was last used. Revoked and expired tokens stay listed, marked, so their history still reads.
import { KeyRound } from "lucide-react";
import { useState } from "react";
import { revokeTokenAction } from "@/app/teams/[team]/settings/tokens/actions";
import { ConfirmDialog } from "@/components/shared/confirm-dialog";
import { QueryError } from "@/components/shared/query-error";
import { Button } from "@/components/ui/button";
import { RowHeader, Table, TableBody, TableHeader, Td } from "@/components/ui/table";
import { tokensKeys } from "@/lib/queries/keys";
import { useTokens } from "./queries";
import type { TAccessTokenDTO } from "@/lib/types/tokens";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

function Status({ token }: { token: TAccessTokenDTO }) {
  if (token.status === "revoked") return <span className="rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700 ring-1 ring-red-200">Revoked</span>;
  if (token.status === "expired") return <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">Expired</span>;
  return null;
}

const COLUMNS = ["Name", "Token", "Secrets", "Created by", "Created", "Last used", "Expires", { key: "actions", label: "Actions", align: "right" }] as const;

export function TokensTable({ teamSlug }: { teamSlug: string }) {
  const [status, setStatus] = useState("");
  const { data: tokens, error } = useTokens(teamSlug);
  if (!tokens) return <QueryError error={error} />;
  return (
    <div className="space-y-3">
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-emerald-700">
        {status}
      </p>
      <Table
        label="Access tokens"
        after={
          tokens.length === 0 ? (
            <div className="flex flex-col items-center gap-2 px-6 py-12 text-center">
              <KeyRound className="size-8 text-slate-300" aria-hidden />
              <p className="font-medium text-slate-900">No access tokens yet</p>
              <p className="text-sm text-slate-600">Create one with New token to give a deployment or a script its secrets.</p>
            </div>
          ) : null
        }
      >
        <TableHeader columns={COLUMNS} />
        <TableBody>
          {tokens.map((t) => (
            <tr key={t.id} id={`token-${t.id}`} className={t.status === "active" ? "target:bg-amber-50" : "bg-slate-50/60 text-slate-500 target:bg-amber-50"}>
              <RowHeader>
                <span className="mr-2">{t.name}</span>
                <Status token={t} />
                {t.allowedCidrs.length ? <span className="mt-0.5 block text-xs font-normal text-slate-500">From {t.allowedCidrs.join(", ")}</span> : null}
              </RowHeader>
              <Td>
                <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">{t.prefix}…</code>
              </Td>
              <Td>
                <ul className="space-y-0.5">
                  {t.secrets.map((s) => (
                    <li key={s.name} className="font-mono text-xs">
                      {s.name}
                      {s.env !== s.name ? <span className="text-slate-500"> as {s.env}</span> : null}
                    </li>
                  ))}
                </ul>
              </Td>
              <Td>{t.createdBy ?? <span className="text-slate-500">a removed user</span>}</Td>
              <Td>
                <time dateTime={t.createdAt}>{dateFormat.format(new Date(t.createdAt))}</time>
              </Td>
              <Td>
                {t.lastUsedAt ? <time dateTime={t.lastUsedAt}>{dateTimeFormat.format(new Date(t.lastUsedAt))}</time> : <span className="text-slate-500">Never</span>}
              </Td>
              <Td>
                {t.status === "revoked" && t.revokedAt ? (
                  <span>
                    Revoked <time dateTime={t.revokedAt}>{dateFormat.format(new Date(t.revokedAt))}</time>
                  </span>
                ) : t.expiresAt ? (
                  <time dateTime={t.expiresAt}>{dateFormat.format(new Date(t.expiresAt))}</time>
                ) : (
                  <span className="font-medium text-amber-700">Never</span>
                )}
              </Td>
              <Td className="text-right">
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
                    invalidates={[tokensKeys.all(teamSlug)]}
                    onDone={(d) => setStatus(`Token ${d.name} revoked.`)}
                  />
                )}
              </Td>
            </tr>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
