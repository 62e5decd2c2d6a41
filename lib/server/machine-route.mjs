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
 * The handler's view of a node:http request (lib/api/secrets-api.ts's TMachineRequest): the URL it parses
 * for its query string, and header lookup with a Web Headers' answer (names are case-insensitive; a header
 * sent several times reads as its values joined by ", ", as node:http already joined them). No Request,
 * Headers or AbortSignal is built: the route takes GET only and never reads a body.
 * @param {import("node:http").IncomingMessage} req
 */
export function machineRequest(req) {
  const raw = req.headers;
  return {
    // The host header only names the origin of the URL object the handler parses (for its query string).
    url: `http://localhost${req.url}`,
    headers: {
      get(name) {
        const v = raw[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
      },
    },
  };
}

/** The same headers next.config.ts sets on every response (those that matter for a JSON API). */
export const SECURITY_HEADERS = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

/**
 * Writes the handler's answer (status, lower-case headers, JSON text) to the node:http response: headers and
 * body go out in one write (a string body is joined to the header block; a Buffer would be a second chunk).
 * @param {import("node:http").ServerResponse} res
 * @param {{ status: number, headers: Record<string, string>, body: string }} answer
 */
export function sendMachineResponse(res, answer) {
  res.writeHead(answer.status, { ...SECURITY_HEADERS, ...answer.headers, "content-length": String(Buffer.byteLength(answer.body)) });
  res.end(answer.body);
}
