// What a careful receiver does with our deliveries, using nothing but the Standard Webhooks library:
// `new Webhook(secret).verify(rawBody, headers)` (signature over id.timestamp.body, timestamp within 5
// minutes), then refuse a webhook-id it has already accepted (a replay inside the window).
import type http from "node:http";
import { Webhook } from "standardwebhooks";
import type { TReceived, TReceiver } from "./receiver";

export type TVerdict = { ok: true; id: string } | { ok: false; reason: string };

export function headerRecord(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

export class StandardReceiver {
  readonly seen = new Set<string>();
  readonly verdicts: TVerdict[] = [];
  /** The secrets this receiver is configured with (during a rotation, a receiver may know both). */
  constructor(public secrets: string[]) {}

  check(req: Pick<TReceived, "raw" | "headers">): TVerdict {
    const headers = headerRecord(req.headers);
    let reason = "no secret configured";
    let verified = false;
    for (const secret of this.secrets) {
      try {
        new Webhook(secret).verify(req.raw, headers);
        verified = true;
        break;
      } catch (err) {
        reason = (err as Error).message;
      }
    }
    if (!verified) return this.record({ ok: false, reason });
    const id = headers["webhook-id"]!;
    if (this.seen.has(id)) return this.record({ ok: false, reason: "replayed webhook-id" });
    this.seen.add(id);
    return this.record({ ok: true, id });
  }

  private record(v: TVerdict): TVerdict {
    this.verdicts.push(v);
    return v;
  }

  /** Makes `rx` answer 204 to verified deliveries and 400 (with the reason) to everything else. */
  serve(rx: TReceiver): this {
    rx.respond((req, res) => {
      const v = this.check(req);
      res.statusCode = v.ok ? 204 : 400;
      res.end(v.ok ? undefined : v.reason);
    });
    return this;
  }
}
