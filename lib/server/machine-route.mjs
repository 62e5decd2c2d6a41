// The machine path's direct route in server.mjs (plain JavaScript: server.mjs loads it before Next).
// GET /api/v1/secrets and GET /api/v1/secrets/NAME are answered by the same handler the Next route files call
// (lib/api/secrets-api.ts, registered on globalThis by lib/startup.ts inside Next's own build), without
// Next's router around it: at 50 concurrent clients Next's per-request overhead alone (a route that returns a
// constant) served fewer requests than the whole audited floor of issue 8. Only the exact, canonical forms
// are taken here; anything else (a trailing slash, an encoded or dotted segment, another method) goes to
// Next, which answers it as before.

export const MACHINE_API = Symbol.for("team-secrets.machine-api");

// Secret names are upper-case letters, digits and underscores (lib/validation); a segment of other characters
// is never a secret name and is left to Next's router (which answers 404 or redirects).
const ROUTE = /^\/api\/v1\/secrets(?:\/([A-Za-z0-9_]{1,64}))?(?:\?[^#]*)?$/;

/**
 * For a request the direct route takes, `{ name }` (null for the list); otherwise null (Next handles it).
 * @param {string | undefined} method
 * @param {string | undefined} url the request target as sent (origin-form: path and query)
 * @returns {{ name: string | null } | null}
 */
export function machineApiRoute(method, url) {
  if (method !== "GET" || !url) return null;
  const m = ROUTE.exec(url);
  if (!m) return null;
  return { name: m[1] ?? null };
}

/**
 * Builds the Request the handler reads (method, URL, headers) from a node:http request. The body is never read:
 * the route takes GET only.
 * @param {import("node:http").IncomingMessage} req
 */
export function toWebRequest(req) {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else headers.set(k, v);
  }
  // The host header only names the origin of the URL object the handler parses (for its query string).
  return new Request(`http://localhost${req.url}`, { method: "GET", headers });
}

/** The same headers next.config.ts sets on every response (those that matter for a JSON API). */
export const SECURITY_HEADERS = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

/**
 * Writes the handler's Response to the node:http response.
 * @param {import("node:http").ServerResponse} res
 * @param {Response} response
 */
export async function sendWebResponse(res, response) {
  const body = Buffer.from(await response.arrayBuffer());
  const headers = { ...SECURITY_HEADERS };
  response.headers.forEach((v, k) => (headers[k] = v));
  headers["content-length"] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}
