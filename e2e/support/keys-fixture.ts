// Setup for e2e/keys-rotate.spec.ts, run as its own process against that spec's private database: a user,
// a team, the secrets given on stdin (JSON name -> value) and an access token bound to all of them. Prints
// only the token (JSON). Through the DAL, like an operator's script; the spec then drives the real CLI.
import { closeDb } from "@/db/client";
import { createAccessToken } from "@/lib/dal/access-tokens";
import { createSecret } from "@/lib/dal/secrets";
import { createTeam } from "@/lib/dal/teams";
import { createUser } from "@/lib/dal/users";
import { ZCreateTokenInput } from "@/lib/validation/tokens";

const chunks: Buffer[] = [];
for await (const c of process.stdin) chunks.push(c as Buffer);
const values = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, string>;

const user = await createUser({ name: "Key rotation", email: `keys-${Date.now()}@e2e.example`, password: `pw-${Date.now()}-rotation` });
const actor = { id: user.id, label: user.email };
const { slug } = await createTeam(actor, "Key rotation");
for (const [name, value] of Object.entries(values)) await createSecret({ actor, teamSlug: slug, name, value, visibility: "masked" });
const data = ZCreateTokenInput.parse({ name: "rotation", secrets: Object.keys(values).map((name) => ({ name })), expires: "30" });
const { token } = await createAccessToken({ actor, teamSlug: slug, data });
process.stdout.write(JSON.stringify({ token }) + "\n");
await closeDb();
