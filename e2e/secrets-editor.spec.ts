// An Editor sees every row masked, fingerprints for Masked secrets only, and no way to change anything.
// Forged calls: the Admin's browser sends a real server-action request, the test intercepts it before it
// reaches the server, and replays it byte for byte with other identities' cookies. The Editor (and an
// outsider, and nobody) is refused and nothing changes; the same bytes with the Admin's cookies succeed,
// which proves the replay itself is well-formed.
import { expect, test } from "./fixtures";
import { BASE_URL, storageStatePath } from "./support/env";
import {
  actionResultCode,
  apiList,
  captureServerAction,
  openForNewTag,
  replayServerAction,
  SecretsPage,
  secretField,
} from "./support/secrets-page";

test.use({ storageState: storageStatePath("editor") });

test("editor sees masked rows, Restricted without fingerprint, and no New secret / Rotate / Delete", async ({ page, leak, asRole }) => {
  // An Admin adds one of each visibility.
  const { tag, secrets: admin } = await openForNewTag(await asRole("admin"), leak);
  await admin.add({ name: `EDITOR_MASKED_${tag}`, value: leak.value("editor masked"), visibility: "Masked" });
  await admin.add({ name: `EDITOR_RESTRICTED_${tag}`, value: leak.value("editor restricted"), visibility: "Restricted" });
  const maskedFp = await admin.fingerprint(`EDITOR_MASKED_${tag}`).innerText();
  const restrictedFp = await admin.fingerprint(`EDITOR_RESTRICTED_${tag}`).innerText();

  const editor = await SecretsPage.open(page, leak, tag);
  const masked = editor.row(`EDITOR_MASKED_${tag}`);
  const restricted = editor.row(`EDITOR_RESTRICTED_${tag}`);
  await expect(masked).toBeVisible();
  await expect(restricted).toBeVisible();

  await expect(masked).toContainText("Masked");
  await expect(masked.getByLabel("Value hidden")).toBeVisible();
  await expect(editor.fingerprint(`EDITOR_MASKED_${tag}`)).toHaveText(maskedFp);

  await expect(restricted.getByRole("cell").nth(0)).toHaveText(/Restricted/);
  await expect(editor.fingerprint(`EDITOR_RESTRICTED_${tag}`)).toHaveCount(0);
  // The restricted fingerprint reaches the editor nowhere: not in the page, not in the JSON.
  expect(await page.content()).not.toContain(restrictedFp);
  const list = await apiList(page.request, leak, tag);
  expect(list.canWrite).toBe(false);
  expect(list.items.find((s) => s.name === `EDITOR_RESTRICTED_${tag}`)?.fingerprint).toBeNull();
  expect(JSON.stringify(list)).not.toContain(restrictedFp);

  // The seeded secrets too.
  await editor.goto();
  await expect(editor.fingerprint("STRIPE_API_KEY")).toHaveText(/^[0-9a-f]{16}$/);
  await expect(editor.row("DATABASE_PASSWORD")).toContainText("Restricted");
  await expect(editor.fingerprint("DATABASE_PASSWORD")).toHaveCount(0);

  // No write controls at all.
  await expect(page.getByRole("button", { name: "New secret" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^(Rotate|Delete) / })).toHaveCount(0);
});

test("forged server actions are refused for the editor and change nothing", async ({ page, leak, asRole, playwright }) => {
  const adminPage = await asRole("admin");
  const { tag, secrets: admin } = await openForNewTag(adminPage, leak);
  const name = `FORGED_${tag}`;
  await admin.add({ name, value: leak.value("forge target") });
  const original = await admin.apiFind(name);
  expect(original?.version).toBe(1);
  // The editor's page is open on the same list (its own cookies are used for the replays below).
  const editor = await SecretsPage.open(page, leak, tag);
  await expect(editor.row(name)).toBeVisible();

  const outsider = await asRole("outsider");
  const anonymous = await playwright.request.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });

  async function expectRefusedThenAccepted(captured: Awaited<ReturnType<typeof captureServerAction>>) {
    expect(actionResultCode(await replayServerAction(page.request, leak, captured))).toBe("forbidden");
    expect(actionResultCode(await replayServerAction(outsider.request, leak, captured))).toBe("not_found");
    expect(actionResultCode(await replayServerAction(anonymous, leak, captured))).toBe("unauthenticated");
  }

  // Delete: captured from the admin's dialog and aborted, so the admin sees a failure and nothing is deleted.
  const deleteDialog = await admin.openDelete(name);
  const forgedDelete = await captureServerAction(adminPage, () => deleteDialog.getByRole("button", { name: "Delete", exact: true }).click());
  expect(forgedDelete.headers["next-action"]).toMatch(/^[0-9a-f]{20,}$/);
  await expect(deleteDialog.getByRole("alert")).toBeVisible();
  await deleteDialog.getByRole("button", { name: "Cancel" }).click();
  await expectRefusedThenAccepted(forgedDelete);
  expect(await admin.apiFind(name)).toEqual(original); // the Admin's view: an Editor's carries no consumerVersions

  // Rotate.
  const rotateDialog = await admin.openRotate(name);
  await secretField(rotateDialog).fill(leak.value("forged rotation"));
  const forgedRotate = await captureServerAction(adminPage, () => rotateDialog.getByRole("button", { name: "Rotate secret" }).click());
  await expect(rotateDialog.getByRole("alert")).toBeVisible();
  await rotateDialog.getByRole("button", { name: "Cancel" }).click();
  await expectRefusedThenAccepted(forgedRotate);
  expect(await admin.apiFind(name)).toEqual(original);

  // Create.
  const created = `FORGED_NEW_${tag}`;
  const newDialog = await admin.openNewSecret();
  await newDialog.getByLabel("Name", { exact: true }).fill(created);
  await secretField(newDialog).fill(leak.value("forged create"));
  const forgedCreate = await captureServerAction(adminPage, () => newDialog.getByRole("button", { name: "Add secret" }).click());
  await expect(newDialog.getByRole("alert")).toBeVisible();
  await newDialog.getByRole("button", { name: "Cancel" }).click();
  await expectRefusedThenAccepted(forgedCreate);
  expect(await editor.apiFind(created)).toBeUndefined();
  await page.reload();
  await expect(editor.row(name)).toContainText("v1");
  await expect(editor.row(created)).toHaveCount(0);

  // The very same bytes with the admin's cookies are accepted: the forgeries failed on the role alone.
  expect(actionResultCode(await replayServerAction(adminPage.request, leak, forgedCreate))).toBe("ok");
  expect(actionResultCode(await replayServerAction(adminPage.request, leak, forgedRotate))).toBe("ok");
  expect((await admin.apiFind(name))?.version).toBe(2);
  // The delete was captured at version 1: now it is stale, and the secret stays.
  expect(actionResultCode(await replayServerAction(adminPage.request, leak, forgedDelete))).toBe("stale");
  expect(await admin.apiFind(created)).toBeDefined();
  await anonymous.dispose();
});
