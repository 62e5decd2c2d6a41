// Consumers on an old version (issue 12): after a rotation the row says "1 of 2 consumers still on v1", the
// Rotate and History dialogs name the token that is behind (linked to the Access tokens page), and the text
// goes once it re-fetches. Editors see none of it. Tokens read through a separate, unrecorded request
// context (the machine API returns values; the leak recorder checks every browser response).
import { request as playwrightRequest, type Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { BASE_URL } from "./support/env";
import { openForNewTag, SecretsPage } from "./support/secrets-page";
import { createToken } from "./support/tokens-page";

/** Reloads until the row shows `text` (Last used and versions are flushed every USAGE_FLUSH_MS, 500 ms here). */
async function expectRowText(secrets: SecretsPage, tag: string, name: string, text: string, present = true) {
  await expect(async () => {
    await secrets.goto(tag);
    if (present) await expect(secrets.row(name)).toContainText(text, { timeout: 1000 });
    else await expect(secrets.row(name)).not.toContainText(text, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
}

test("after a rotation the row, Rotate and History name the token still on the old version", async ({ asRole, leak }) => {
  test.setTimeout(120_000); // two tokens made through the UI, and a few waits for the usage recorder's flush
  const page: Page = await asRole("admin");
  const { tag, secrets } = await openForNewTag(page, leak);
  const name = `ZZ_CV_${tag}`;
  await secrets.add({ name, value: leak.value("consumer versions v1") });
  const [fast, slow] = [`cv fast ${tag}`, `cv slow ${tag}`];
  const tokens = { fast: await createToken(page, { name: fast, secrets: [{ name }] }), slow: await createToken(page, { name: slow, secrets: [{ name }] }) };
  const machine = await playwrightRequest.newContext({ baseURL: BASE_URL });
  const read = async (token: string) => {
    const res = await machine.get("/api/v1/secrets", { headers: { authorization: `Bearer ${token}` } });
    expect(res.status()).toBe(200);
    return ((await res.json()) as { secrets: { version: number }[] }).secrets[0]!.version;
  };
  expect(await read(tokens.fast)).toBe(1);
  expect(await read(tokens.slow)).toBe(1);

  await secrets.goto(tag);
  await secrets.rotate(name, leak.value("consumer versions v2"));
  await expectRowText(secrets, tag, name, "2 of 2 consumers still on v1");
  expect(await read(tokens.fast)).toBe(2);
  await expectRowText(secrets, tag, name, "1 of 2 consumers still on v1");

  const rotate = await secrets.openRotate(name);
  await expect(rotate).toContainText("1 of 2 consumers still on v1");
  const list = rotate.getByRole("list", { name: "Consumers and the version each last received" });
  await expect(list.getByRole("listitem").filter({ hasText: slow })).toContainText("still on v1");
  await expect(list.getByRole("listitem").filter({ hasText: fast })).toContainText("on v2 (current)");
  await expect(list.getByRole("link", { name: slow })).toHaveAttribute("href", /\/settings\/tokens#token-/);
  await rotate.getByRole("button", { name: "Cancel" }).click();
  await expect(rotate).toBeHidden();

  await secrets.row(name).getByRole("button", { name: `History ${name}`, exact: true }).click();
  const history = page.getByRole("dialog", { name: `History of ${name}`, exact: true });
  await expect(history).toContainText("1 of 2 consumers still on v1");
  const rows = history.getByRole("table").getByRole("row").filter({ has: page.getByRole("rowheader") });
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0).getByRole("link", { name: fast })).toBeVisible(); // v2
  await expect(rows.nth(1).getByRole("link", { name: slow })).toBeVisible(); // v1
  await expect(rows.nth(1)).toContainText("still on v1");
  await history.getByRole("button", { name: "Close" }).click();

  // Editors see the consumers (Used by) but not who is on which version.
  const editor = await SecretsPage.open(await asRole("editor"), leak, tag);
  await expect(editor.row(name)).toBeVisible();
  await expect(editor.row(name)).not.toContainText("still on");

  // The last one re-fetches: the row's text goes.
  expect(await read(tokens.slow)).toBe(2);
  await expectRowText(secrets, tag, name, "still on", false);
  await machine.dispose();
});
