// Issue 5 in the browser: an admin creates an access token (shown once, copied, then listed by prefix only),
// the token reads its secret through the API while a browser session cannot, revoking cuts it off; and the
// bulk import preview (new / already exists / invalid) followed by a one-shot import.
import { request as playwrightRequest } from "@playwright/test";
import { expect, test } from "./fixtures";
import { BASE_URL } from "./support/env";
import { openForNewTag } from "./support/secrets-page";
import { createToken, revokeToken, tokensUrl } from "./support/tokens-page";

test("admin creates a token, copies it once, sees only its prefix, and revokes it", async ({ asRole, leak }) => {
  const page = await asRole("admin");
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE_URL });
  const { tag, secrets } = await openForNewTag(page, leak);
  const name = `TOK_${tag}`;
  const value = leak.value("token e2e secret");
  await secrets.add({ name, value });

  const tokenName = `deploy ${tag}`;
  const token = await createToken(page, { name: tokenName, secrets: [{ name, env: "AUTH_SECRET" }] });
  expect(token).toMatch(/^tsk_[A-Za-z0-9_-]{43}$/);
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Copy token" }).click();
  await expect(dialog.getByRole("status")).toHaveText(/Copied/);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();

  // Listed with its prefix only; after a reload the token is nowhere in the page.
  await page.reload();
  const row = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: new RegExp(tokenName) }) });
  await expect(row).toContainText(`${token.slice(0, 10)}…`);
  await expect(row).toContainText(name);
  await expect(row).toContainText("AUTH_SECRET");
  expect(await page.content()).not.toContain(token);
  expect(await page.content()).not.toContain(token.slice(10, 30));

  // The token reads its secret; the signed-in browser session gets nothing from the machine API.
  const machine = await playwrightRequest.newContext({ baseURL: BASE_URL });
  const ok = await machine.get("/api/v1/secrets", { headers: { authorization: `Bearer ${token}` } });
  expect(ok.status()).toBe(200);
  expect(ok.headers()["cache-control"]).toBe("no-store");
  expect(await ok.json()).toEqual({ secrets: [{ name, env: "AUTH_SECRET", version: 1, value }] });
  const withCookie = await leak.recordApi(await page.request.get("/api/v1/secrets"));
  expect(withCookie.status()).toBe(401);

  // Last used is filled in (before the read the row said "Never"; the expiry is 90 days, not never).
  // It is written off the read path by the usage recorder (flushed every USAGE_FLUSH_MS, 500 ms here), so it
  // may lag the read by that much.
  await expect(async () => {
    await page.goto(tokensUrl());
    await expect(row).not.toContainText("Never", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await revokeToken(page, tokenName);
  await expect(row).toContainText("Revoked");
  expect((await machine.get("/api/v1/secrets", { headers: { authorization: `Bearer ${token}` } })).status()).toBe(401);
  await machine.dispose();
});

test("import previews a .env file (new, already exists, invalid) and imports in one go", async ({ asRole, leak }) => {
  const page = await asRole("admin");
  const { tag, secrets } = await openForNewTag(page, leak);
  const existing = `IMP_OLD_${tag}`;
  await secrets.add({ name: existing, value: leak.value("import existing old") });
  const fresh = `IMP_NEW_${tag}`;
  const freshValue = leak.value("import new");
  const rotated = leak.value("import rotated");
  const invalidValue = leak.value("import invalid");
  const file = [
    "# exported from the old vault",
    `export ${fresh}="${freshValue}"`,
    `${existing}=${rotated}`,
    `1BAD_${tag}=${invalidValue}`,
  ].join("\n");

  await page.getByRole("button", { name: "Import", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Import secrets" });
  await dialog.getByLabel("Upload file").setInputFiles({ name: ".env", mimeType: "text/plain", buffer: Buffer.from(file) });
  const previewRow = (n: string) => dialog.getByRole("row").filter({ has: page.getByRole("rowheader", { name: n, exact: true }) });
  await expect(previewRow(fresh)).toContainText("New");
  await expect(previewRow(existing)).toContainText("Already exists");
  await expect(previewRow(`1BAD_${tag}`)).toContainText("Invalid");
  await expect(previewRow(`1BAD_${tag}`)).toContainText("cannot start with a digit");
  await expect(dialog.getByRole("status")).toHaveText("1 new · 1 already exists · 1 invalid");
  for (const v of [freshValue, rotated, invalidValue]) await expect(dialog).not.toContainText(v);

  await dialog.getByLabel(`What to do with ${existing}`).selectOption("rotate");
  await dialog.getByRole("button", { name: "Import secrets" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "Imported" })).toHaveText("Imported: 1 new, 1 rotated, 0 skipped, 1 invalid not imported.");
  await expect(secrets.row(fresh)).toBeVisible();
  await expect(secrets.row(existing)).toContainText("v2");
  await expect(secrets.row(`1BAD_${tag}`)).toHaveCount(0);
});
