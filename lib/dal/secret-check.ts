import "server-only";
// Check value: is this candidate the stored value? The answer is a yes (with the version it matched) or a
// no, and nothing else: the stored value never leaves lib/crypto, the candidate is never stored, logged or
// returned (the audit event records who checked which secret and the result). Authorization is
// secretPolicy's (Owners and Admins, Editors on Masked secrets only); each check counts against the
// user's and the secret's budget (lib/dal/rate-limit.ts) after it is authorized, before anything is opened.
import { and, eq } from "drizzle-orm";
import { secrets, secretValues } from "@/db/schema";
import { secretPolicy } from "@/lib/authz";
import { DecryptError, matchesStoredValue } from "@/lib/crypto";
import { AppError } from "@/lib/errors";
import { recordCallAudit } from "./audit";
import { getFingerprintKey } from "./key-material";
import { beginSecretCheck } from "./rate-limit";
import { recordUndecryptable, UndecryptableError } from "./secret-values";
import { authorizeTeam, type TTeamCall } from "./team-scope";
import type { TCheckResult } from "@/lib/types/secrets";

type TOutcome = "match" | "no_match" | "undecryptable";

export async function checkSecretValue(input: TTeamCall & { secretId: string; candidate: string }): Promise<TCheckResult> {
  const { db, team, role } = await authorizeTeam(input, "secrets.check");
  const [found] = await db
    .select({ id: secrets.id, name: secrets.name, visibility: secrets.visibility })
    .from(secrets)
    .where(and(eq(secrets.id, input.secretId), eq(secrets.teamId, team.id)));
  if (!found) throw new AppError("not_found", "This secret no longer exists: someone deleted it.");
  if (!secretPolicy(role, found.visibility).canCheck) {
    throw new AppError("forbidden", `Only Owners and Admins can check the value of ${found.name}: it is Restricted.`);
  }
  const wait = await beginSecretCheck(input.actor.id, found.id);
  if (wait > 0) throw new AppError("rate_limited", `Too many checks, try again in ${wait} s`);

  const checked = await db.transaction(async (tx) => {
    // The version and its ciphertext in one statement: a rotation is seen whole or not at all.
    const [row] = await tx
      .select({ name: secrets.name, version: secrets.version, sealedVersion: secretValues.version, ciphertext: secretValues.ciphertext })
      .from(secrets)
      .leftJoin(secretValues, and(eq(secretValues.secretId, secrets.id), eq(secretValues.teamId, team.id)))
      .where(and(eq(secrets.id, found.id), eq(secrets.teamId, team.id)));
    if (!row) throw new AppError("not_found", "This secret no longer exists: someone deleted it.");
    let outcome: TOutcome = "undecryptable";
    if (row.ciphertext !== null) {
      try {
        const ctx = { teamId: team.id, secretId: found.id, version: row.version };
        outcome = (await matchesStoredValue(row.ciphertext, ctx, await getFingerprintKey(tx), input.candidate)) ? "match" : "no_match";
      } catch (err) {
        if (!(err instanceof DecryptError)) throw err;
      }
    }
    await recordCallAudit(tx, input, team.id, {
      action: "secret.value_checked",
      target: { type: "secret", id: found.id, name: row.name, version: row.version },
      metadata: { result: outcome },
    });
    const reason = row.ciphertext === null ? "missing" : row.sealedVersion !== row.version ? "stale" : "unopenable";
    return { name: row.name, version: row.version, outcome, reason } as const;
  });

  if (checked.outcome === "undecryptable") {
    await recordUndecryptable(
      "checkSecretValue",
      new UndecryptableError(team.id, [{ id: found.id, name: checked.name, reason: checked.reason }]),
    );
    throw new AppError(
      "conflict",
      `The stored value of ${checked.name} does not open, so nothing can be compared with it. Rotate it to a new value.`,
    );
  }
  return { name: checked.name, matches: checked.outcome === "match", version: checked.version };
}
