import "server-only";
// Every change to a secret's row (rotate, delete, edit details, allowed hosts) starts by locking it: the row
// of this team, FOR UPDATE, so two changes to one secret take turns. Metadata columns only, never a value.
import { and, eq } from "drizzle-orm";
import { type Tx } from "@/db/client";
import { secrets } from "@/db/schema";

/** The team's secret, locked until the transaction ends; undefined when the team has no such secret. */
export async function lockTeamSecret(tx: Tx, teamId: string, secretId: string) {
  const [row] = await tx
    .select({
      id: secrets.id,
      name: secrets.name,
      version: secrets.version,
      allowedHosts: secrets.allowedHosts,
      updatedAt: secrets.updatedAt,
      updatedBy: secrets.updatedBy,
    })
    .from(secrets)
    .where(and(eq(secrets.id, secretId), eq(secrets.teamId, teamId)))
    .for("update");
  return row;
}
