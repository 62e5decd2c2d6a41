// Zod schemas for webhooks, shared by the webhook dialog (instant feedback) and the server actions.
import { z } from "zod";
import { TEAM_EVENTS } from "@/lib/webhooks/events";

export const WEBHOOK_METHODS = ["POST", "PUT", "PATCH", "GET"] as const;
const WEBHOOK_PAYLOAD_MAX = 64 * 1024;

/** Set by the sender on every delivery (Standard Webhooks signature headers and ours), lower case. */
export const SENDER_HEADERS = ["webhook-id", "webhook-timestamp", "webhook-signature", "x-webhook-event", "x-webhook-delivery"] as const;

// Set by the sender (or by HTTP itself); a template may not override them.
const RESERVED_HEADERS = new Set<string>([
  "host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "expect",
  "proxy-authorization", "proxy-connection", ...SENDER_HEADERS,
]);

const ZHeaderRow = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Enter a header name.")
    .max(128, "Header names are at most 128 characters.")
    .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "Header names use letters, digits and - only.")
    .refine((n) => !RESERVED_HEADERS.has(n.toLowerCase()), "This header is set by the sender."),
  value: z.string().max(4096, "Header values are at most 4096 characters."),
});

export const ZWebhookInput = z.object({
  name: z.string({ error: "Enter a name." }).trim().min(1, "Enter a name.").max(80, "Names are at most 80 characters."),
  url: z.string({ error: "Enter a URL." }).trim().min(1, "Enter a URL.").max(2048, "URLs are at most 2048 characters."),
  method: z.enum(WEBHOOK_METHODS, { error: "Choose POST, PUT, PATCH or GET." }),
  headers: z.array(ZHeaderRow).max(20, "At most 20 headers."),
  payload: z.string().max(WEBHOOK_PAYLOAD_MAX, "The payload is larger than 64 KiB."),
  // Default: every event in the catalogue (lib/webhooks/events.ts).
  events: z
    .array(z.enum(TEAM_EVENTS, { error: "Unknown event." }))
    .max(TEAM_EVENTS.length)
    .default(() => [...TEAM_EVENTS])
    .transform((e) => [...new Set(e)]),
  secretIds: z.array(z.uuid({ error: "Unknown secret." })).max(50, "At most 50 secrets.").transform((s) => [...new Set(s)]),
});
export type TWebhookInput = z.infer<typeof ZWebhookInput>;

export const ZUpdateWebhookInput = ZWebhookInput.extend({ webhookId: z.uuid({ error: "Unknown webhook." }) });
export const ZWebhookRef = z.object({ webhookId: z.uuid({ error: "Unknown webhook." }) });
export const ZDeliveryRef = z.object({ deliveryId: z.uuid({ error: "Unknown delivery." }) });

// A host name, an IPv4/IPv6 address, or *.domain.
const HOST = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
export const ZAllowedHosts = z.object({
  secretId: z.uuid({ error: "Unknown secret." }),
  hosts: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .max(253)
        .refine((h) => HOST.test(h) || /^\[?[0-9a-f:.]+\]?$/i.test(h), "Enter host names such as api.example.com (or *.example.com)."),
    )
    .max(20, "At most 20 hosts.")
    .transform((h) => [...new Set(h.map((x) => x.replace(/^\[(.*)\]$/, "$1")))]),
});
