// The caller's address, for token address ranges, failed-authentication and sign-in budgets, and the audit
// log. By default it is the TCP peer of the connection — the one address a client cannot choose. Next gives a
// route handler, a server action or Auth.js's authorize() no peer address (only `X-Forwarded-For`, which
// `next start` fills from the socket only when the client did not send one), so the production server is
// server.mjs: it runs Next in-process and, for every request, replaces PEER_HEADER with the socket's address.
// That header is believed only when server.mjs said so (a process-wide flag set before Next loads); under
// plain `next start` (or anything else) it is ignored and the peer is unknown (null).
//
// Forwarded headers count only when configured:
// - TRUSTED_PROXY_HOPS=N: the address N entries from the right of [X-Forwarded-For..., peer] (N proxies that
//   each append the address they saw; 1 = a single load balancer).
// - TRUSTED_PROXIES=list of addresses/CIDRs: walk [X-Forwarded-For..., peer] from the right past every entry
//   inside the list; the first one outside it is the client.
// Anything further left is whatever the client claimed and is never used. An entry that is not an address
// gives null (unknown), which fails closed for address ranges.
import ipaddr from "ipaddr.js";
import { env } from "@/lib/env";

export const PEER_HEADER = "x-team-secrets-peer";
/** Set to true by server.mjs before Next loads: PEER_HEADER then always carries the socket's address. */
export const PEER_FLAG = Symbol.for("team-secrets.peer-header-from-socket");

/** Normalized address ("::ffff:10.0.0.1" → "10.0.0.1"), or null when `raw` is not an address. */
export function normalizeAddress(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let s = raw.trim();
  // Forms proxies write: "[2001:db8::1]:443", "203.0.113.9:51234".
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) s = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(":"));
  if (!ipaddr.isValid(s)) return null;
  try {
    return ipaddr.process(s).toString();
  } catch {
    return null;
  }
}

/** What is read of a request's headers: a Web `Headers`, or server.mjs's view of a node:http request's. */
export type THeaderReader = { get(name: string): string | null };

/** The socket's peer address as server.mjs recorded it, or null when not running under server.mjs. */
function peerAddress(headers: THeaderReader): string | null {
  if ((globalThis as Record<symbol, unknown>)[PEER_FLAG] !== true) return null;
  return normalizeAddress(headers.get(PEER_HEADER));
}

type TMatcher = (address: string) => boolean;
let trustedCache: { raw: string; match: TMatcher } | undefined;
function trustedProxies(raw: string): TMatcher {
  if (trustedCache?.raw === raw) return trustedCache.match;
  const ranges = raw
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      const r = entry.includes("/") ? ipaddr.parseCIDR(entry) : ([ipaddr.process(entry), ipaddr.process(entry).kind() === "ipv4" ? 32 : 128] as const);
      return r;
    });
  const match: TMatcher = (address) => {
    const a = ipaddr.process(address);
    return ranges.some(([net, bits]) => net.kind() === a.kind() && a.match(net, bits));
  };
  trustedCache = { raw, match };
  return match;
}

export type TProxyConfig = { TRUSTED_PROXY_HOPS: number; TRUSTED_PROXIES?: string };

export function clientAddress(headers: THeaderReader, config: TProxyConfig = env()): string | null {
  const { TRUSTED_PROXY_HOPS: hops, TRUSTED_PROXIES: proxies } = config;
  const peer = peerAddress(headers);
  if (!hops && !proxies) return peer;
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  // The peer is the last hop when known; under `next start` behind a proxy only the forwarded entries exist.
  const chain: (string | null)[] = [...forwarded.map(normalizeAddress), ...(peerKnown() ? [peer] : [])];
  if (chain.length === 0) return null;
  if (proxies) {
    const trusted = trustedProxies(proxies);
    let i = chain.length - 1;
    while (i > 0 && chain[i] !== null && trusted(chain[i]!)) i--;
    return chain[i] ?? null;
  }
  const fromRight = peerKnown() ? hops : hops - 1;
  return chain[Math.max(0, chain.length - 1 - fromRight)] ?? null;
}

const peerKnown = () => (globalThis as Record<symbol, unknown>)[PEER_FLAG] === true;
