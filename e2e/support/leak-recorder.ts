// Records every response a test's browser contexts receive (HTML, RSC payloads, server-action responses,
// JSON, redirects with their headers) plus API responses the test fetches itself, and the values the test
// typed into the app. Each test checks its own responses against every value its worker has seen and the
// server log; global-teardown.ts repeats the check across all workers once the run is over.
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { APIResponse, BrowserContext, Response, Route } from "@playwright/test";
import { LEAK_DIR, serverLogPath } from "./env";
import { assertDistinctive, findLeaks, type TLeakFinding, type TLeakSource, type TLeakValue } from "./leak-matcher";

export type TResponseKind = "html" | "rsc" | "server-action" | "json" | "redirect" | "other";
export type TRecord = { where: string; kind: TResponseKind; body: Buffer };

function kindOf(status: number, contentType: string, requestHeaders: Record<string, string>): TResponseKind {
  if (requestHeaders["next-action"]) return "server-action";
  if (status >= 300 && status < 400) return "redirect";
  if (contentType.includes("text/x-component")) return "rsc";
  if (contentType.includes("text/html")) return "html";
  if (contentType.includes("json")) return "json";
  return "other";
}

/** Headers and body together: a value echoed in a header (Location, a cookie) counts as a leak too. */
function recordBody(status: number, headers: Record<string, string>, body: Buffer | null): Buffer {
  const head = `HTTP ${status}\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n")}\n\n`;
  return body ? Buffer.concat([Buffer.from(head), body]) : Buffer.from(head);
}

/** Per worker: every value registered so far, and the files the global check reads. */
export class LeakStore {
  readonly values: TLeakValue[] = [];
  private readonly seenStatic = new Set<string>();
  private readonly valuesFile: string;
  private readonly responsesFile: string;

  constructor(workerIndex: number, dir = LEAK_DIR) {
    mkdirSync(dir, { recursive: true });
    const id = `w${workerIndex}-${process.pid}`;
    this.valuesFile = path.join(dir, `values-${id}.ndjson`);
    this.responsesFile = path.join(dir, `responses-${id}.ndjson`);
  }

  addValue(v: TLeakValue): void {
    if (this.values.some((x) => x.value === v.value)) return;
    this.values.push(v);
    appendFileSync(this.valuesFile, JSON.stringify(v) + "\n");
  }

  /** Immutable build assets are recorded once per worker: they were built before any value was typed. */
  isRepeatStatic(url: string): boolean {
    if (!new URL(url).pathname.startsWith("/_next/static/")) return false;
    if (this.seenStatic.has(url)) return true;
    this.seenStatic.add(url);
    return false;
  }

  persist(records: TRecord[]): void {
    if (records.length === 0) return;
    appendFileSync(
      this.responsesFile,
      records.map((r) => JSON.stringify({ where: r.where, kind: r.kind, body: r.body.toString("base64") })).join("\n") + "\n",
    );
  }
}

export class LeakRecorder {
  readonly records: TRecord[] = [];
  /** Labels of the shown-once values this test registered: each must be in exactly one of its responses. */
  private readonly shownHere = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  private readonly attached = new WeakSet<BrowserContext>();

  constructor(
    private readonly store: LeakStore,
    private readonly testTitle: string,
  ) {}

  /** A distinctive random value, registered: use it as (part of) anything typed into the app. */
  value(label: string): string {
    const v = `${label.replace(/[^A-Za-z0-9]/g, "")}_${randomBytes(15).toString("base64url").replace(/[-_]/g, "x")}`;
    this.register(label, v);
    return v;
  }

  register(label: string, value: string): string {
    assertDistinctive(value);
    this.store.addValue({ label: `${label} [${this.testTitle}]`, value });
    return value;
  }

  /**
   * A value the app shows once (a webhook signing secret, read from the page after it was shown): it must
   * appear in exactly one response of this test, the server action's that showed it, and never elsewhere.
   * Awaits the responses still being read first: a body not read before the page navigates is lost.
   */
  async shownOnce(label: string, value: string): Promise<string> {
    await this.flush();
    assertDistinctive(value);
    const full = `${label} [${this.testTitle}]`;
    this.shownHere.add(full);
    this.store.addValue({ label: full, value, shownOnce: true });
    return value;
  }

  attach(context: BrowserContext): void {
    if (this.attached.has(context)) return;
    this.attached.add(context);
    // Server-action responses are read through a route, so their bodies are never lost: the browser's copy
    // of a streamed response can be gone by the time the "response" event's body() asks for it.
    const routed = context.route("**/*", async (route) => {
      const request = route.request();
      if (request.method() !== "POST" || !request.headers()["next-action"]) return route.fallback();
      const p = this.recordRoutedAction(route).finally(() => this.pending.delete(p));
      this.pending.add(p);
      await p;
    });
    const registered: Promise<void> = routed.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(registered);
    void registered.then(() => this.pending.delete(registered));
    context.on("response", (response) => {
      if (response.request().method() === "POST" && response.request().headers()["next-action"]) return;
      const p = this.recordBrowserResponse(response).finally(() => this.pending.delete(p));
      this.pending.add(p);
    });
  }

  private async recordRoutedAction(route: Route): Promise<void> {
    const request = route.request();
    let response: APIResponse;
    try {
      response = await route.fetch({ maxRedirects: 0 });
    } catch {
      // The page went away mid-request; nothing reached it.
      await route.abort().catch(() => undefined);
      return;
    }
    const body = await response.body();
    const headers = response.headers();
    this.records.push({
      where: `${request.method()} ${request.url()} -> ${response.status()} (server-action) in "${this.testTitle}"`,
      kind: "server-action",
      body: recordBody(response.status(), headers, body),
    });
    await route.fulfill({ response, body }).catch(() => undefined);
  }

  private async recordBrowserResponse(response: Response): Promise<void> {
    const url = response.url();
    if (this.store.isRepeatStatic(url)) return;
    const request = response.request();
    const headers = await response.allHeaders().catch(() => response.headers());
    const status = response.status();
    // Redirects have no body in the browser; their headers (Location, Set-Cookie) are still recorded.
    const body = status >= 300 && status < 400 ? null : await response.body().catch(() => null);
    const kind = kindOf(status, headers["content-type"] ?? "", request.headers());
    this.records.push({ where: `${request.method()} ${url} -> ${status} (${kind}) in "${this.testTitle}"`, kind, body: recordBody(status, headers, body) });
  }

  /** Responses fetched outside a page (page.request / APIRequestContext) are recorded through this. */
  async recordApi(response: APIResponse, method = "GET"): Promise<APIResponse> {
    const headers = response.headers();
    const body = await response.body().catch(() => null);
    const kind = method === "ACTION" ? "server-action" : kindOf(response.status(), headers["content-type"] ?? "", {});
    this.records.push({
      where: `${method} ${response.url()} -> ${response.status()} (${kind}, API) in "${this.testTitle}"`,
      kind,
      body: recordBody(response.status(), headers, body),
    });
    return response;
  }

  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  kinds(): Set<TResponseKind> {
    return new Set(this.records.map((r) => r.kind));
  }

  /** This test's responses against every value the worker has seen, and the server log against them too. */
  check(): TLeakFinding[] {
    const sources: TLeakSource[] = this.records.map((r) => ({ where: r.where, body: r.body, kind: r.kind }));
    const log = serverLogPath();
    if (existsSync(log)) sources.push({ where: `server log ${path.basename(log)}`, body: readFileSync(log) });
    return findLeaks(this.store.values, sources, (v) => this.shownHere.has(v.label));
  }

  /** Writes this test's records for the run-wide check. */
  persist(): void {
    this.store.persist(this.records);
  }
}
