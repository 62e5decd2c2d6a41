import "server-only";
// Where a webhook may send. Two layers:
// 1. At save and before each send, `checkDestination` parses the URL (WHATWG, as the sender will) and
//    refuses other schemes, credentials in the URL, obfuscated host forms (0x7f000001, 2130706433, 127.1,
//    percent-escapes: the host must be written as the parser normalizes it) and literal addresses that are
//    not public unicast.
// 2. At connect time, request-filtering-agent checks the address the socket actually connects to (it wraps
//    the DNS lookup of the connection itself), so a name that resolves to a private address, or re-resolves
//    to one after the first check (DNS rebinding), is refused with no window between check and use.
// WEBHOOK_ALLOWED_HOSTS (comma separated names or addresses) admits exactly those hosts past both layers.
import ipaddr from "ipaddr.js";

export class DestinationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DestinationError";
  }
}

const RANGE_WORDS: Record<string, string> = {
  unspecified: "an unspecified address",
  loopback: "a loopback address",
  private: "a private address",
  uniqueLocal: "a private (unique local) address",
  linkLocal: "a link-local or metadata address",
  carrierGradeNat: "a carrier-grade NAT address",
  ipv4Mapped: "an IPv4-mapped address",
  broadcast: "a broadcast address",
  multicast: "a multicast address",
  reserved: "a reserved address",
};

/** Why an address may not receive webhooks (e.g. "a loopback address"), or null for public unicast. */
export function classifyAddress(address: string): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return "not an IP address";
  }
  const range = parsed.range();
  if (range === "unicast") return null;
  // Report what a mapped address points at (::ffff:127.0.0.1 is loopback), still refusing it.
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return classifyAddress((parsed as ipaddr.IPv6).toIPv4Address().toString()) ?? RANGE_WORDS.ipv4Mapped!;
  }
  return RANGE_WORDS[range] ?? `a non-public address (${range})`;
}

/** A host as compared with allowlists: lower case, no IPv6 brackets, addresses in ipaddr's canonical form. */
export function hostKey(host: string): string {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return ipaddr.isValid(bare) ? ipaddr.parse(bare).toString() : bare;
}

export function allowedHostsFromEnv(raw: string | undefined = process.env.WEBHOOK_ALLOWED_HOSTS): Set<string> {
  return new Set(
    (raw ?? "")
      .split(",")
      .map((h) => h.trim())
      .filter(Boolean)
      .map(hostKey),
  );
}

/** The host exactly as written in the URL (between `//` and the port / path), lower-cased. */
function writtenHost(raw: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:[/\\]{2}([^/?#\\]*)/i.exec(raw.trim());
  if (!m) return null;
  const authority = m[1]!.slice(m[1]!.lastIndexOf("@") + 1);
  if (authority.startsWith("[")) {
    const end = authority.indexOf("]");
    return end === -1 ? null : authority.slice(0, end + 1).toLowerCase();
  }
  const colon = authority.indexOf(":");
  return (colon === -1 ? authority : authority.slice(0, colon)).toLowerCase();
}

export type TDestination = { url: URL; host: string; isAllowlisted: boolean };

/** Parses and checks a destination URL. Throws DestinationError with a message for the URL field. */
export function checkDestination(raw: string, allowlist: ReadonlySet<string> = allowedHostsFromEnv()): TDestination {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DestinationError("Enter a full URL starting with https:// or http://.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new DestinationError("Only http:// and https:// URLs can receive webhooks.");
  if (url.username || url.password) throw new DestinationError("Credentials in the URL are not allowed; send them in a header instead.");
  const written = writtenHost(raw);
  if (written === null || written !== url.hostname) {
    throw new DestinationError(`Write the host in its usual form (the address reads as ${url.hostname}).`);
  }
  const host = hostKey(url.hostname);
  const isAllowlisted = allowlist.has(host);
  if (!isAllowlisted) {
    if (ipaddr.isValid(host)) {
      const reason = classifyAddress(host);
      if (reason) throw new DestinationError(`${url.hostname} is ${reason}; webhooks can only be sent to public hosts.`);
    } else if (host === "localhost" || host.endsWith(".localhost")) {
      throw new DestinationError(`${url.hostname} is a loopback address; webhooks can only be sent to public hosts.`);
    }
  }
  return { url, host, isAllowlisted };
}

/** Whether `host` is in a secret's allowed hosts ("*.example.com" admits sub-domains, not the apex). */
export function hostMatches(host: string, allowed: readonly string[]): boolean {
  const h = hostKey(host);
  return allowed.some((entry) => {
    const e = hostKey(entry);
    return e.startsWith("*.") ? h.endsWith(e.slice(1)) && h.length > e.length - 1 : h === e;
  });
}
