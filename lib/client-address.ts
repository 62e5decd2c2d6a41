// The caller's address as the nearest trusted proxy saw it: the TRUSTED_PROXY_HOPS-th entry from the right
// of X-Forwarded-For (default 1: one proxy that appends the client address). Entries further left are
// whatever the client claimed and are never trusted. Without a proxy, `next start` fills the header from
// the socket only when the client did not send one, so run behind a proxy that appends it.
export function clientAddress(headers: Headers): string | null {
  const hops = Number(process.env.TRUSTED_PROXY_HOPS);
  const n = Number.isInteger(hops) && hops > 0 ? hops : 1;
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (chain.length > 0) return chain[Math.max(0, chain.length - n)] ?? null;
  return headers.get("x-real-ip")?.trim() || null;
}
