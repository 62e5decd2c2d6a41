import "server-only";
// Where a webhook may send. Two layers:
// 1. At save and before each send, `checkDestination` parses the URL (WHATWG, as the sender will) and
//    refuses other schemes, credentials in the URL, obfuscated host forms (0x7f000001, 2130706433, 127.1,
//    percent-escapes: the host must be written as the parser normalizes it), literal addresses that are
//    not public unicast (IPv6: only 2000::/3, and no form that carries an IPv4 address — mapped, compatible,
//    NAT64, 6to4), and names that are never public (localhost, .local, .internal, single labels), with or
//    without trailing dots. A refused host gets one message whatever its spelling.
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
  deprecatedSiteLocal: "a deprecated site-local address",
  discard: "a discard-only address",
  rfc6145: "an IPv4-translated address",
  rfc6052: "a NAT64 address",
  "6to4": "a 6to4 address",
  teredo: "a Teredo address",
  benchmarking: "a benchmarking address",
  amt: "an AMT relay address",
  as112: "an AS112 address",
  as112v6: "an AS112 address",
  deprecatedOrchid: "an ORCHID address",
  orchid2: "an ORCHID address",
  droneRemoteIdProtocolEntityTags: "a reserved address",
  segmentRouting: "a segment-routing address",
};

// Global unicast IPv6 (2000::/3) is the only block a public receiver can be in; everything else is refused.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3") as [ipaddr.IPv6, number];

/** The IPv4 address an IPv6 form carries in its low 32 bits or its 6to4 prefix, when the form is one that does. */
function embeddedIPv4(v6: ipaddr.IPv6): { v4: ipaddr.IPv4; form: string } | null {
  const p = v6.parts;
  const low = () => new ipaddr.IPv4([p[6]! >> 8, p[6]! & 0xff, p[7]! >> 8, p[7]! & 0xff]);
  const range = v6.range();
  // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291): the first 96 bits are zero; :: and ::1 are not this form.
  if (p.slice(0, 6).every((x) => x === 0) && !(p[6] === 0 && p[7]! <= 1)) return { v4: low(), form: "a deprecated IPv4-compatible address" };
  if (range === "ipv4Mapped" || range === "rfc6145") return { v4: low(), form: RANGE_WORDS[range]! };
  if (range === "rfc6052" && p[2] === 0) return { v4: low(), form: RANGE_WORDS.rfc6052! };
  if (range === "6to4") return { v4: new ipaddr.IPv4([p[1]! >> 8, p[1]! & 0xff, p[2]! >> 8, p[2]! & 0xff]), form: RANGE_WORDS["6to4"]! };
  return null;
}

/** Why an address may not receive webhooks (e.g. "a loopback address"), or null for public unicast. */
export function classifyAddress(address: string): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return "not an IP address";
  }
  if (parsed.kind() === "ipv4") {
    const range = parsed.range();
    return range === "unicast" ? null : (RANGE_WORDS[range] ?? "a non-public address");
  }
  const v6 = parsed as ipaddr.IPv6;
  // Forms that carry an IPv4 address (mapped, compatible, translated, NAT64, 6to4) report what that address
  // is (::7f00:1 is loopback) and are refused even when it is public: the sender should name it directly.
  const embedded = embeddedIPv4(v6);
  if (embedded) return classifyAddress(embedded.v4.toString()) ?? embedded.form;
  const range = v6.range();
  if (range !== "unicast") return RANGE_WORDS[range] ?? "a non-public address";
  if (!v6.match(GLOBAL_UNICAST_V6)) return RANGE_WORDS.reserved!;
  return null;
}

// Names that never denote a public host (RFC 6761, 6762, 8375 and ICANN's private-use .internal), plus
// single-label names, which resolvers complete with a local search domain.
const LOCAL_NAME_SUFFIXES = ["local", "internal", "home.arpa", "localdomain", "lan", "intranet", "corp"];

/** Why a host name may not receive webhooks, or null. `name` is a hostKey (lower case, no trailing dot). */
function classifyName(name: string): string | null {
  if (name === "localhost" || name.endsWith(".localhost")) return RANGE_WORDS.loopback!;
  if (!name.includes(".")) return "a local-network name";
  if (LOCAL_NAME_SUFFIXES.some((s) => name === s || name.endsWith(`.${s}`))) return "a local-network name";
  return null;
}

/**
 * A host as compared with allowlists: lower case, no IPv6 brackets, no trailing dots (`example.com.` is the
 * same host as `example.com`), addresses in ipaddr's canonical form.
 */
function hostKey(host: string): string {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.+$/, "");
  return ipaddr.isValid(bare) ? ipaddr.parse(bare).toString() : bare;
}

/** The allowlist from WEBHOOK_ALLOWED_HOSTS's text (comma separated), as hostKeys. */
export function allowedHostsFromEnv(raw: string | undefined): Set<string> {
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
export function checkDestination(raw: string, allowlist: ReadonlySet<string>): TDestination {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DestinationError("Enter a full URL starting with https:// or http://.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new DestinationError("Only http:// and https:// URLs can receive webhooks.");
  if (url.username || url.password) throw new DestinationError("Credentials in the URL are not allowed; send them in a header instead.");
  const host = hostKey(url.hostname);
  const isAllowlisted = allowlist.has(host);
  // Non-public first, so every spelling of a refused host gets the same message.
  if (!isAllowlisted) {
    const reason = ipaddr.isValid(host) ? classifyAddress(host) : classifyName(host);
    if (reason) throw new DestinationError(`${url.hostname} is ${reason}; webhooks can only be sent to public hosts.`);
  }
  const written = writtenHost(raw);
  if (written === null || written !== url.hostname) {
    throw new DestinationError(`Write the host in its usual form (the address reads as ${url.hostname}).`);
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
