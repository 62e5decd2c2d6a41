import "server-only";
// The machine API: GET /api/v1/secrets and GET /api/v1/secrets/{name}. Bearer tokens only: cookies are
// never read, so a signed-in browser gets exactly what an anonymous caller gets (401). Every refusal of
// the token (missing, malformed, unknown, expired, revoked, outside its address ranges) is the same bare
// 401; the reason is not told to the caller.
import { KeyProviderUnavailableError } from "@/lib/crypto";
import { authenticateMachineRequest } from "@/lib/dal/access-tokens";
import { consumeTokenRequest, recordBadAuth } from "@/lib/dal/rate-limit";
import { SecretExpiredError, UndecryptableError } from "@/lib/dal/secret-values";
import { listTokenSecretVersions, readTokenSecrets } from "@/lib/dal/token-reads";
import { log, logError, logWarning } from "@/lib/log";
import { ZSecretName } from "@/lib/validation/secrets";
import { clientAddress, type THeaderReader } from "@/lib/client-address";

/**
 * What the handler reads of a request. A Web Request has it (the route files), and so does server.mjs's thin
 * view of a node:http request (lib/server/machine-route.mjs): the direct path builds no Request, Headers,
 * Response or body stream, which at 50 concurrent clients was a sixth of the server's CPU per read.
 */
export type TMachineRequest = { readonly url: string; readonly headers: THeaderReader };
/** The answer: JSON text, its status and headers (lower-case names). The route files make it a Response. */
export type TMachineResponse = { status: number; headers: Record<string, string>; body: string };

const NO_STORE = { "content-type": "application/json", "cache-control": "no-store", pragma: "no-cache" };

function json(body: unknown, status = 200, extra: Record<string, string> = {}): TMachineResponse {
  return { status, headers: { ...NO_STORE, ...extra }, body: JSON.stringify(body) };
}

/** For the route files (`next start`, `next dev`, MACHINE_API_DIRECT=off): the same answer as a Response. */
export function toResponse(r: TMachineResponse): Response {
  return new Response(r.body, { status: r.status, headers: r.headers });
}

const unauthorized = () => json({ error: "unauthorized" }, 401, { "www-authenticate": 'Bearer realm="team-secrets"' });
const tooMany = (seconds: number) => json({ error: "rate_limited", retryAfter: seconds }, 429, { "retry-after": String(seconds) });
const notFound = () => json({ error: "not_found" }, 404);

function bearerToken(req: TMachineRequest): string | null {
  const h = req.headers.get("authorization");
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m?.[1] ?? null;
}

export async function handleSecretsRequest(req: TMachineRequest, name: string | null): Promise<TMachineResponse> {
  try {
    const address = clientAddress(req.headers);
    const token = bearerToken(req);
    // Both are single reads: run them side by side (one round trip of latency). An address over its
    // failed-authentication budget gets 429 whatever the token, so the result of the lookup is never told.
    const { retryAfter: retryBad, principal } = await authenticateMachineRequest(token, address);
    if (retryBad > 0) return tooMany(retryBad);
    if (!principal) {
      await recordBadAuth(address);
      return unauthorized();
    }
    const retry = await consumeTokenRequest(principal.id);
    if (retry > 0) return tooMany(retry);

    const url = new URL(req.url);
    if (name === null && url.searchParams.get("values") === "false") {
      return json({ secrets: await listTokenSecretVersions(principal) });
    }
    let only: string | null = null;
    if (name !== null) {
      const parsed = ZSecretName.safeParse(name);
      if (!parsed.success || parsed.data !== name) return notFound();
      only = parsed.data;
    }
    const meta = { ip: address, userAgent: req.headers.get("user-agent") };
    const owner = {};
    const result = await readTokenSecrets(principal, only, meta, owner);
    if (result === null) return notFound();
    // Unbound (or deleted) since the token's bindings were read: as for any name it is not bound to.
    if (only !== null) return result[0] ? json(result[0]) : notFound();
    return json({ secrets: result });
  } catch (err) {
    // Already flagged and logged by name in the DAL; the caller learns which secrets, and gets none of them.
    if (err instanceof UndecryptableError) return json({ error: "undecryptable", secrets: err.names }, 500);
    // "Stop serving after expiry" and the day has come: 410, naming the secrets and their day; none is sent.
    if (err instanceof SecretExpiredError) {
      log.warn({ where: "secrets API", secrets: err.names }, "refused: secret expired (stop serving after expiry)");
      return json(
        {
          error: "secret_expired",
          secrets: err.names,
          message: `${err.expired.map((e) => `${e.name} expired on ${e.expiresOn}`).join("; ")} and is no longer served; no values were sent.`,
        },
        410,
      );
    }
    if (err instanceof KeyProviderUnavailableError) {
      // Nothing is sent: values are decrypted all together before any is returned.
      logWarning("secrets API", err);
      return json({ error: "key_provider_unavailable", message: "Key provider unavailable; no values were sent." }, 503, { "retry-after": "5" });
    }
    logError("secrets API", err);
    return json({ error: "unexpected" }, 500);
  }
}
