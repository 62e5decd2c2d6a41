// Helpers for the Team secrets page, by role and accessible name only (issue 2, "Accessible names").
import { randomBytes } from "node:crypto";
import { expect, type APIRequestContext, type Locator, type Page, type Route } from "@playwright/test";
import type { LeakRecorder } from "./leak-recorder";
import { TEAM } from "./env";

/** A short random tag that makes a test's secret names unique (also across reruns on one database). */
export const newTag = () => randomBytes(5).toString("hex").toUpperCase();

export const secretsUrl = (team = TEAM, q?: string) => `/teams/${team}/settings/secrets${q ? `?q=${encodeURIComponent(q)}` : ""}`;

/** Most tests start here: a fresh tag, and the page on `page` filtered to it. */
export async function openForNewTag(page: Page, leak: LeakRecorder): Promise<{ tag: string; secrets: SecretsPage }> {
  const tag = newTag();
  return { tag, secrets: await SecretsPage.open(page, leak, tag) };
}

export type TSecretItem = { id: string; name: string; visibility: string; version: number; fingerprint: string | null };

export class SecretsPage {
  constructor(
    readonly page: Page,
    readonly leak: LeakRecorder,
    readonly team = TEAM,
  ) {}

  /** The page on `page`, opened (filtered to `q`, as goto does). */
  static async open(page: Page, leak: LeakRecorder, q?: string): Promise<SecretsPage> {
    const secrets = new SecretsPage(page, leak);
    await secrets.goto(q);
    return secrets;
  }

  /** Opens the page filtered to `q` (a test's tag) so concurrent tests never push its rows off page 1. */
  async goto(q?: string): Promise<void> {
    await this.page.goto(secretsUrl(this.team, q));
    await expect(this.page.getByRole("heading", { name: "Team secrets" })).toBeVisible();
    await expect(this.page.getByRole("table")).toBeVisible();
  }

  row(name: string): Locator {
    return this.page.getByRole("row").filter({ has: this.page.getByRole("rowheader", { name, exact: true }) });
  }

  fingerprint(name: string): Locator {
    return this.row(name).getByTitle(/^Fingerprint/);
  }

  newSecretDialog(): Locator {
    return this.page.getByRole("dialog", { name: "New secret" });
  }

  async openNewSecret(): Promise<Locator> {
    await this.page.getByRole("button", { name: "New secret" }).click();
    const dialog = this.newSecretDialog();
    await expect(dialog).toBeVisible();
    return dialog;
  }

  async openRotate(name: string): Promise<Locator> {
    await this.page.getByRole("button", { name: `Rotate ${name}`, exact: true }).click();
    const dialog = this.page.getByRole("dialog", { name: `Rotate ${name}`, exact: true });
    await expect(dialog).toBeVisible();
    return dialog;
  }

  async openDelete(name: string): Promise<Locator> {
    await this.page.getByRole("button", { name: `Delete ${name}`, exact: true }).click();
    const dialog = this.page.getByRole("alertdialog", { name: `Delete ${name}?`, exact: true });
    await expect(dialog).toBeVisible();
    return dialog;
  }

  /** Adds a secret through the New secret dialog and waits for its row. */
  async add(opts: {
    name: string;
    description?: string;
    value?: string;
    file?: { name: string; mimeType: string; buffer: Buffer };
    visibility?: "Masked" | "Restricted";
  }): Promise<void> {
    const dialog = await this.openNewSecret();
    await dialog.getByLabel("Name", { exact: true }).fill(opts.name);
    if (opts.description !== undefined) await dialog.getByLabel("Description").fill(opts.description);
    if (opts.value !== undefined) await secretField(dialog).fill(opts.value);
    if (opts.file) await dialog.getByLabel("Upload file").setInputFiles(opts.file);
    await dialog.getByRole("radio", { name: opts.visibility ?? "Masked", exact: true }).check();
    await dialog.getByRole("button", { name: "Add secret" }).click();
    await expect(dialog).toBeHidden();
    await expect(this.row(opts.name)).toBeVisible();
  }

  async rotate(name: string, value: string): Promise<void> {
    const dialog = await this.openRotate(name);
    await secretField(dialog).fill(value);
    await dialog.getByRole("button", { name: "Rotate secret" }).click();
    await expect(dialog).toBeHidden();
  }

  /** The list as the signed-in user's JSON endpoint returns it (recorded for the leak check). */
  async apiList(q: string): Promise<{ items: TSecretItem[]; total: number; canWrite: boolean }> {
    return apiList(this.page.request, this.leak, q, this.team);
  }

  async apiFind(name: string): Promise<TSecretItem | undefined> {
    return (await this.apiList(name)).items.find((s) => s.name === name);
  }
}

export async function apiList(
  request: APIRequestContext,
  leak: LeakRecorder,
  q: string,
  team = TEAM,
): Promise<{ items: TSecretItem[]; total: number; canWrite: boolean }> {
  const res = await leak.recordApi(await request.get(`/api/teams/${team}/secrets?q=${encodeURIComponent(q)}&pageSize=100`));
  expect(res.status()).toBe(200);
  return res.json();
}

export function secretField(dialog: Locator): Locator {
  return dialog.getByLabel("Secret", { exact: true });
}

/** The textarea's obfuscation as the browser renders it: "disc" while hidden, "none" when revealed. */
export function textSecurity(field: Locator): Promise<string> {
  return field.evaluate((el) => getComputedStyle(el).getPropertyValue("-webkit-text-security"));
}

export type TCapturedAction = { url: string; headers: Record<string, string>; body: Buffer };

/**
 * Captures the next server-action request `page` sends while `act` runs, and aborts it so it never reaches
 * the server: the test can then replay exactly what the browser would have sent, under another identity.
 */
export async function captureServerAction(page: Page, act: () => Promise<void>): Promise<TCapturedAction> {
  let resolve!: (c: TCapturedAction) => void;
  const captured = new Promise<TCapturedAction>((r) => (resolve = r));
  const handler = async (route: Route) => {
    const req = route.request();
    const headers = await req.allHeaders();
    if (req.method() === "POST" && headers["next-action"]) {
      const body = req.postDataBuffer();
      if (!body) throw new Error("the server action request has no body to capture");
      resolve({ url: req.url(), headers, body });
      await route.abort("failed");
    } else {
      await route.fallback();
    }
  };
  await page.route("**/*", handler);
  try {
    await act();
    return await captured;
  } finally {
    await page.unroute("**/*", handler);
  }
}

/** Sends a captured server-action request with `request`'s own cookies (none of the original sender's). */
export async function replayServerAction(request: APIRequestContext, leak: LeakRecorder, c: TCapturedAction): Promise<string> {
  const headers = Object.fromEntries(
    Object.entries(c.headers).filter(([k]) => !k.startsWith(":") && !["cookie", "content-length", "host"].includes(k.toLowerCase())),
  );
  const res = await leak.recordApi(await request.post(c.url, { headers, data: c.body }), "ACTION");
  expect(res.status(), "a refused server action still answers 200 with a typed result").toBe(200);
  return res.text();
}

/** The `code` of a server action's typed result inside its RSC payload. */
export function actionResultCode(rscBody: string): string | null {
  const ok = /"ok":(true|false)/.exec(rscBody);
  if (ok?.[1] === "true") return "ok";
  return /"code":"([a-z_]+)"/.exec(rscBody)?.[1] ?? null;
}
