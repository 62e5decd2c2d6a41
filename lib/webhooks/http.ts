import "server-only";
// One HTTP request of a delivery: node:http(s) through request-filtering-agent (the connect-time address
// check, see ssrf.ts), one overall deadline, a cap on the response read, and redirects never followed (a
// 3xx is returned as is; following it would send the secrets to a host no one checked).
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from "request-filtering-agent";
import { checkDestination } from "./ssrf";

/** `body` is sent as is when it is bytes (a signed delivery: these exact bytes were signed), UTF-8 when text. */
export type THttpRequest = { url: string; method: string; headers: { name: string; value: string }[]; body: string | Buffer };
/** `bytes`: the body's size as read (at most the cap); `headerNames`: the response's header names, lower case. */
export type THttpResponse = { status: number; body: Buffer; truncated: boolean; location: string | null; bytes: number; headerNames: string[] };
export type TFailureKind = "timeout" | "blocked" | "network";

export class HttpFailure extends Error {
  constructor(
    readonly kind: TFailureKind,
    message: string,
  ) {
    super(message);
    this.name = "HttpFailure";
  }
}

const filtering = { http: new RequestFilteringHttpAgent(), https: new RequestFilteringHttpsAgent() };
const plain = { http: new http.Agent(), https: new https.Agent() };

export type TSendOptions = {
  timeoutMs: number;
  maxResponseBytes: number;
  allowlist: ReadonlySet<string>;
  /** Replaces DNS for the connection (tests: a name that resolves to a private address). */
  lookup?: LookupFunction;
};

export async function sendHttp(req: THttpRequest, opts: TSendOptions): Promise<THttpResponse> {
  const dest = checkDestination(req.url, opts.allowlist);
  const isHttps = dest.url.protocol === "https:";
  const agent = (dest.isAllowlisted ? plain : filtering)[isHttps ? "https" : "http"];
  const headers: Record<string, string> = {};
  for (const h of req.headers) headers[h.name] = h.value;
  const body = req.body.length ? (typeof req.body === "string" ? Buffer.from(req.body, "utf8") : req.body) : null;
  if (body) headers["content-length"] = String(body.length);

  return new Promise<THttpResponse>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const request = (isHttps ? https : http).request(
      dest.url,
      { method: req.method, headers, agent, lookup: opts.lookup },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        res.on("data", (chunk: Buffer) => {
          if (truncated) return;
          const room = opts.maxResponseBytes - size;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            size += room;
            truncated = true;
            res.destroy();
            finish(() => resolve(response(res, chunks, truncated)));
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on("end", () => finish(() => resolve(response(res, chunks, truncated))));
        res.on("error", (err) => finish(() => reject(classify(err))));
      },
    );
    const timer = setTimeout(() => {
      finish(() => reject(new HttpFailure("timeout", `No complete response within ${Math.round(opts.timeoutMs / 100) / 10} s.`)));
      request.destroy();
    }, opts.timeoutMs);
    request.on("error", (err) => finish(() => reject(classify(err))));
    request.end(body ?? undefined);
  });
}

function response(res: http.IncomingMessage, chunks: Buffer[], truncated: boolean): THttpResponse {
  const body = Buffer.concat(chunks);
  const headerNames = [...new Set(res.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase()))];
  return { status: res.statusCode ?? 0, body, truncated, location: res.headers.location ?? null, bytes: body.length, headerNames };
}

function classify(err: Error): HttpFailure {
  // request-filtering-agent: "DNS lookup <address>(family:…, host:…) is not allowed. Because, …"
  if (/is not allowed\. Because/.test(err.message)) {
    const reason = /Because,? (.*)$/.exec(err.message)?.[1] ?? "";
    return new HttpFailure("blocked", `Refused: the host resolved to a non-public address (${reason.replace(/\.$/, "").replace(/^It is /, "")}).`);
  }
  const code = (err as NodeJS.ErrnoException).code;
  return new HttpFailure("network", `Connection failed${code ? ` (${code})` : ""}.`);
}
