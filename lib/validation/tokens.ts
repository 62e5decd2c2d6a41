// Zod schemas for machine access tokens, shared by the New token dialog and the server actions.
// Address ranges are parsed with ipaddr.js (not a hand-written parser): it knows IPv4, IPv6 and
// IPv4-mapped IPv6 forms, and normalizes them so stored ranges compare as the API will match them.
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { ZSecretName } from "./secrets";
import { unsafeEnvNameReason } from "./unsafe-env-names.mjs";
import { refuseWith } from "./refine";

const TOKEN_NAME_MAX = 64;
const TOKEN_SECRETS_MAX = 100;
const TOKEN_CIDRS_MAX = 20;

export const EXPIRY_CHOICES = [
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "never", label: "Never" },
] as const;
export type TExpiryChoice = (typeof EXPIRY_CHOICES)[number]["value"];
export const DEFAULT_EXPIRY: TExpiryChoice = "90";

const ZTokenName = z
  .string({ error: "Enter a name." })
  .trim()
  .min(1, "Enter a name.")
  .max(TOKEN_NAME_MAX, `Names are at most ${TOKEN_NAME_MAX} characters.`)
  .regex(/^[^\p{Cc}]+$/u, "Names cannot contain control characters.");

// What a process can take as an environment variable name on every platform we expect.
const ZEnvName = z
  .string()
  .trim()
  .max(128, "Environment names are at most 128 characters.")
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "Use letters, digits and _ ; not starting with a digit.")
  // Loader, interpreter and shell start-up names (NODE_OPTIONS, LD_PRELOAD, BASH_ENV, PATH, ...) are refused.
  .superRefine(refuseWith(unsafeEnvNameReason));

/** One range in canonical form ("10.0.0.0/8", "2001:db8::/32"); a bare address is a single-host range. */
export function normalizeCidr(input: string): string | null {
  const s = input.trim();
  try {
    if (s.includes("/")) {
      const [addr, bits] = ipaddr.parseCIDR(s);
      // The network address, so "10.1.2.3/8" is stored as what it means: 10.0.0.0/8.
      const network =
        addr.kind() === "ipv4"
          ? ipaddr.IPv4.networkAddressFromCIDR(s)
          : ipaddr.IPv6.networkAddressFromCIDR(s);
      return `${network.toString()}/${bits}`;
    }
    const addr = ipaddr.parse(s);
    return `${addr.toString()}/${addr.kind() === "ipv4" ? 32 : 128}`;
  } catch {
    return null;
  }
}

/** Splits free text (commas, spaces or new lines) into ranges. */
const splitCidrs = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

const ZCidrList = z
  .string()
  .max(4000, "Too many address ranges.")
  .default("")
  .transform((text, ctx) => {
    const parts = splitCidrs(text);
    const out: string[] = [];
    for (const p of parts) {
      const n = normalizeCidr(p);
      if (!n) {
        ctx.addIssue({ code: "custom", message: `"${p.slice(0, 60)}" is not an IP address or CIDR range (e.g. 203.0.113.0/24).` });
        return z.NEVER;
      }
      if (!out.includes(n)) out.push(n);
    }
    if (out.length > TOKEN_CIDRS_MAX) {
      ctx.addIssue({ code: "custom", message: `At most ${TOKEN_CIDRS_MAX} address ranges.` });
      return z.NEVER;
    }
    return out;
  });

const ZTokenBinding = z.object({
  name: ZSecretName,
  // Empty means: the secret's own name.
  env: z.union([z.literal(""), ZEnvName]).optional(),
});

export const ZCreateTokenInput = z
  .object({
    name: ZTokenName,
    secrets: z
      .array(ZTokenBinding, { error: "Choose at least one secret." })
      .min(1, "Choose at least one secret.")
      .max(TOKEN_SECRETS_MAX, `A token can read at most ${TOKEN_SECRETS_MAX} secrets.`),
    expires: z.enum(["30", "90", "365", "never"], { error: "Choose when the token expires." }).default(DEFAULT_EXPIRY),
    cidrs: ZCidrList,
  })
  .superRefine((v, ctx) => {
    const seenSecret = new Set<string>();
    const seenEnv = new Set<string>();
    for (const b of v.secrets) {
      const key = b.name.toLowerCase();
      if (seenSecret.has(key)) ctx.addIssue({ code: "custom", path: ["secrets"], message: `${b.name} is chosen twice.` });
      seenSecret.add(key);
      const env = b.env || b.name;
      // A binding without its own env name is exposed under the secret's name: the same names are refused.
      if (!b.env) {
        const reason = unsafeEnvNameReason(env);
        if (reason) ctx.addIssue({ code: "custom", path: ["secrets"], message: `${reason} Bind ${b.name} under another environment name.` });
      }
      if (seenEnv.has(env)) ctx.addIssue({ code: "custom", path: ["secrets"], message: `Two secrets would both be exposed as ${env}.` });
      seenEnv.add(env);
    }
  });
export type TCreateTokenInput = z.input<typeof ZCreateTokenInput>;
export type TCreateTokenData = z.output<typeof ZCreateTokenInput>;

export const ZTokenRef = z.object({ tokenId: z.uuid({ error: "Unknown token." }) });

export function expiryDate(choice: TExpiryChoice, now = Date.now()): Date | null {
  return choice === "never" ? null : new Date(now + Number(choice) * 24 * 60 * 60 * 1000);
}
