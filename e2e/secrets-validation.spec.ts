// Every bad input gets an inline role="alert" message and changes nothing.
import { expect, test } from "./fixtures";
import { storageStatePath } from "./support/env";
import type { BrowserContext, Page } from "@playwright/test";
import type { LeakRecorder } from "./support/leak-recorder";
import { newTag, openForNewTag, secretField, SecretsPage, secretsUrl } from "./support/secrets-page";

test.use({ storageState: storageStatePath("admin") });

const KIB = 1024;

test.describe("New secret refuses bad input", () => {
  const cases: { title: string; name: (tag: string) => string; alert: RegExp }[] = [
    { title: "a name with invalid characters", name: (t) => `BAD-NAME ${t}`, alert: /letters, digits and underscores/i },
    { title: "a name starting with a digit", name: (t) => `1ST_${t}`, alert: /cannot start with a digit/i },
    { title: "an empty name", name: () => "", alert: /enter a name/i },
  ];
  for (const c of cases) {
    test(c.title, async ({ page, leak }) => {
      const { tag, secrets } = await openForNewTag(page, leak);
      const dialog = await secrets.openNewSecret();
      await dialog.getByLabel("Name", { exact: true }).fill(c.name(tag));
      await secretField(dialog).fill(leak.value("bad name value"));
      await dialog.getByRole("button", { name: "Add secret" }).click();
      await expect(dialog.getByRole("alert")).toHaveText(c.alert);
      await expect(dialog.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
      await expect(dialog).toBeVisible();
      expect((await secrets.apiList(tag)).total).toBe(0);
    });
  }

  test("a duplicate name that differs only in case", async ({ page, leak }) => {
    const { tag, secrets } = await openForNewTag(page, leak);
    await secrets.add({ name: `DUP_${tag}`, value: leak.value("original") });
    const fingerprint = await secrets.fingerprint(`DUP_${tag}`).innerText();

    const dialog = await secrets.openNewSecret();
    await dialog.getByLabel("Name", { exact: true }).fill(`dup_${tag.toLowerCase()}`);
    await secretField(dialog).fill(leak.value("duplicate"));
    await dialog.getByRole("button", { name: "Add secret" }).click();
    await expect(dialog.getByRole("alert")).toHaveText(/already exists/i);
    await expect(dialog).toBeVisible();

    const list = await secrets.apiList(tag);
    expect(list.items.map((s) => s.name)).toEqual([`DUP_${tag}`]);
    expect(list.items[0]?.fingerprint).toBe(fingerprint);
    expect(list.items[0]?.version).toBe(1);
  });

  test("an empty or blank value", async ({ page, leak }) => {
    const { tag, secrets } = await openForNewTag(page, leak);
    const dialog = await secrets.openNewSecret();
    await dialog.getByLabel("Name", { exact: true }).fill(`EMPTY_${tag}`);
    await dialog.getByRole("button", { name: "Add secret" }).click();
    await expect(dialog.getByRole("alert")).toHaveText(/enter a secret value/i);
    await secretField(dialog).fill("  \n\t ");
    await dialog.getByRole("button", { name: "Add secret" }).click();
    await expect(dialog.getByRole("alert")).toHaveText(/enter a secret value/i);
    await expect(secretField(dialog)).toHaveAttribute("aria-invalid", "true");
    expect((await secrets.apiList(tag)).total).toBe(0);
  });

  test("a value over 64 KiB, typed or uploaded", async ({ page, leak }) => {
    const { tag, secrets } = await openForNewTag(page, leak);
    const big = leak.register("oversized value", `${leak.value("oversized")}${"x".repeat(64 * KIB)}`);
    expect(Buffer.byteLength(big)).toBeGreaterThan(64 * KIB);

    const dialog = await secrets.openNewSecret();
    await dialog.getByLabel("Name", { exact: true }).fill(`BIG_${tag}`);
    await secretField(dialog).fill(big);
    await dialog.getByRole("button", { name: "Add secret" }).click();
    await expect(dialog.getByRole("alert")).toHaveText(/larger than 64 KiB/i);
    await secretField(dialog).fill("");

    await dialog.getByLabel("Upload file").setInputFiles({ name: "big.txt", mimeType: "text/plain", buffer: Buffer.from(big) });
    await expect(dialog.getByRole("alert")).toHaveText(/larger than 64 KiB/i);
    await expect(dialog.getByText(/Using big\.txt/)).toHaveCount(0);
    expect((await secrets.apiList(tag)).total).toBe(0);

    // Exactly 64 KiB is allowed: the limit is where the message says it is.
    const limit = leak.register("64 KiB value", `${leak.value("limit")}`.padEnd(64 * KIB, "y"));
    await secretField(dialog).fill(limit);
    await dialog.getByRole("button", { name: "Add secret" }).click();
    await expect(dialog).toBeHidden();
    await expect(secrets.row(`BIG_${tag}`)).toBeVisible();
  });

  test("a JSON file that does not parse, and an empty file", async ({ page, leak }) => {
    const { tag, secrets } = await openForNewTag(page, leak);
    const dialog = await secrets.openNewSecret();
    await dialog.getByLabel("Name", { exact: true }).fill(`BAD_JSON_${tag}`);
    const broken = `{"key": "${leak.value("broken json")}",`;
    await dialog.getByLabel("Upload file").setInputFiles({ name: "broken.json", mimeType: "application/json", buffer: Buffer.from(broken) });
    await expect(dialog.getByRole("alert")).toHaveText(/not valid JSON/i);
    await expect(dialog.getByText(/Using broken\.json/)).toHaveCount(0);
    // With the file refused there is no value either: saving still changes nothing.
    await dialog.getByRole("button", { name: "Add secret" }).click();
    await expect(dialog.getByRole("alert")).toBeVisible();
    await expect(dialog).toBeVisible();

    await dialog.getByLabel("Upload file").setInputFiles({ name: "empty.txt", mimeType: "text/plain", buffer: Buffer.alloc(0) });
    await expect(dialog.getByRole("alert")).toHaveText(/empty/i);
    expect((await secrets.apiList(tag)).total).toBe(0);
  });
});

/** A secret `<prefix>_<tag>` added in tab A, and the same list open in a second tab B of the same user. */
async function inTwoTabs(page: Page, context: BrowserContext, leak: LeakRecorder, prefix: string, value: string) {
  const { tag, secrets: tabA } = await openForNewTag(page, leak);
  const name = `${prefix}_${tag}`;
  await tabA.add({ name, value });
  return { name, tabA, tabB: await SecretsPage.open(await context.newPage(), leak, tag) };
}

test.describe("stale writes are refused with a clear message", () => {
  test("rotate saved in another tab first", async ({ page, context, leak }) => {
    const { name, tabA, tabB } = await inTwoTabs(page, context, leak, "STALE", leak.value("stale v1"));

    const dialogA = await tabA.openRotate(name);
    await tabB.rotate(name, leak.value("stale winner"));
    await expect(tabB.row(name)).toContainText("v2");
    const winner = await tabB.fingerprint(name).innerText();

    const typed = leak.value("stale loser");
    await secretField(dialogA).fill(typed);
    await dialogA.getByRole("button", { name: "Rotate secret" }).click();
    // Issue 10 item 4: who and when, the typed value kept, and focus on "Rotate anyway".
    const alert = dialogA.getByRole("alert");
    await expect(alert).toHaveText(/Adam Admin rotated this secret to version 2 on .+nothing was changed, and your value is still here/i);
    await expect(secretField(dialogA)).toHaveValue(typed);
    const anyway = dialogA.getByRole("button", { name: "Rotate anyway" });
    await expect(anyway).toBeFocused();

    // "Rotate anyway" has its own stale check: a third rotation in tab B first is refused again, with the new version.
    await tabB.rotate(name, leak.value("stale winner 2"));
    await expect(tabB.row(name)).toContainText("v3");
    const winner2 = await tabB.fingerprint(name).innerText();
    await anyway.click();
    await expect(alert).toHaveText(/rotated this secret to version 3/i);
    expect((await tabA.apiFind(name))?.fingerprint).toBe(winner2);
    await expect(secretField(dialogA)).toHaveValue(typed);

    // Now it saves over version 3 as version 4, with the value typed at the start.
    await dialogA.getByRole("button", { name: "Rotate anyway" }).click();
    await expect(dialogA).toBeHidden();
    await expect(tabA.row(name)).toContainText("v4");
    const item = await tabA.apiFind(name);
    expect(item?.version).toBe(4);
    expect(item?.fingerprint).not.toBe(winner);
    expect(item?.fingerprint).not.toBe(winner2);
  });

  test("rotate of a secret deleted in another tab", async ({ page, context, leak }) => {
    const { name, tabA, tabB } = await inTwoTabs(page, context, leak, "GONE", leak.value("gone v1"));

    const rotateA = await tabA.openRotate(name);
    const deleteB = await tabB.openDelete(name);
    await deleteB.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(deleteB).toBeHidden();

    await secretField(rotateA).fill(leak.value("gone rotation"));
    await rotateA.getByRole("button", { name: "Rotate secret" }).click();
    await expect(rotateA.getByRole("alert")).toHaveText(/no longer exists.*nothing was changed/i);
    await rotateA.getByRole("button", { name: "Cancel" }).click();
    await expect(tabA.row(name)).toHaveCount(0);
    expect(await tabA.apiFind(name)).toBeUndefined();
  });
});

test.describe("teams the user cannot see are 404", () => {
  test("an unknown team and another team's URL look the same", async ({ page, leak }) => {
    const unknown = await page.goto(secretsUrl(`no-such-team-${newTag().toLowerCase()}`));
    expect(unknown?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Team secrets" })).toHaveCount(0);

    const other = await page.goto(secretsUrl("globex"));
    expect(other?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Team secrets" })).toHaveCount(0);
    await expect(page.getByText("GLOBEX_TOKEN")).toHaveCount(0);
    await expect(page.getByText(/globex/i)).toHaveCount(0);

    // The JSON endpoint answers both alike.
    const a = await leak.recordApi(await page.request.get("/api/teams/no-such-team/secrets"));
    const b = await leak.recordApi(await page.request.get("/api/teams/globex/secrets"));
    expect(a.status()).toBe(404);
    expect(b.status()).toBe(404);
    expect(await b.json()).toEqual(await a.json());
  });
});
