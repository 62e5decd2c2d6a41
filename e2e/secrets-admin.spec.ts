// An Admin adds secrets (typed with the reveal toggle, uploaded as text and JSON), rotates and deletes one.
import { expect, test } from "./fixtures";
import { storageStatePath } from "./support/env";
import { newTag, openForNewTag, secretField, SecretsPage, textSecurity } from "./support/secrets-page";

test.use({ storageState: storageStatePath("admin") });

const FINGERPRINT = /^[0-9a-f]{16}$/;

test("adds a secret by typing; Reveal secret / Hide secret toggles the field's obfuscation", async ({ page, leak }) => {
  const value = `${leak.value("typed line 1")}\n${leak.value("typed line 2")}`;
  const { tag, secrets } = await openForNewTag(page, leak);
  const name = `TYPED_${tag}`;

  const dialog = await secrets.openNewSecret();
  await dialog.getByLabel("Name", { exact: true }).fill(name);
  const field = secretField(dialog);
  await field.click();
  await page.keyboard.type(value);
  await expect(field).toHaveValue(value);

  // Obfuscated while typed; the toggle shows what was typed, then hides it again.
  expect(await textSecurity(field)).toBe("disc");
  await dialog.getByRole("button", { name: "Reveal secret" }).click();
  await expect(dialog.getByRole("button", { name: "Hide secret" })).toBeVisible();
  expect(await textSecurity(field)).toBe("none");
  await expect(field).toHaveValue(value);
  await dialog.getByRole("button", { name: "Hide secret" }).click();
  await expect(dialog.getByRole("button", { name: "Reveal secret" })).toBeVisible();
  expect(await textSecurity(field)).toBe("disc");

  await expect(dialog.getByRole("radio", { name: "Masked", exact: true })).toBeChecked();
  await dialog.getByRole("button", { name: "Add secret" }).click();
  await expect(dialog).toBeHidden();

  const row = secrets.row(name);
  await expect(row).toBeVisible();
  await expect(row).toContainText("Masked");
  await expect(row).toContainText("v1");
  await expect(row).toContainText("Adam Admin");
  await expect(secrets.fingerprint(name)).toHaveText(FINGERPRINT);
  await expect(page.getByRole("status")).toHaveText(`Secret ${name} added.`);

  // Reopening the dialog starts empty: the value is not kept in the browser either.
  const again = await secrets.openNewSecret();
  await expect(secretField(again)).toHaveValue("");
  await again.getByRole("button", { name: "Cancel" }).click();
  await expect(again).toBeHidden();
});

test("adds secrets from an uploaded text file and JSON file; the file's content is the value", async ({ page, leak }) => {
  const { tag, secrets } = await openForNewTag(page, leak);

  const text = `${leak.value("uploaded text")}\n`;
  const json = JSON.stringify({ type: "service_account", private_key: leak.value("uploaded json") }, null, 2);

  await secrets.add({ name: `TEXT_FILE_${tag}`, file: { name: "token.txt", mimeType: "text/plain", buffer: Buffer.from(text) }, visibility: "Restricted" });
  await secrets.add({ name: `JSON_FILE_${tag}`, file: { name: "service-account.json", mimeType: "application/json", buffer: Buffer.from(json) } });
  // The same content typed into the field: equal fingerprints prove the file's content (not its name) was stored.
  await secrets.add({ name: `TEXT_TYPED_${tag}`, value: text });
  await secrets.add({ name: `JSON_TYPED_${tag}`, value: json });

  await expect(secrets.row(`TEXT_FILE_${tag}`)).toContainText("Restricted");
  await expect(secrets.row(`JSON_FILE_${tag}`)).toContainText("Masked");
  const fp = (n: string) => secrets.fingerprint(n).innerText();
  expect(await fp(`TEXT_FILE_${tag}`)).toMatch(FINGERPRINT);
  expect(await fp(`TEXT_FILE_${tag}`)).toBe(await fp(`TEXT_TYPED_${tag}`));
  expect(await fp(`JSON_FILE_${tag}`)).toBe(await fp(`JSON_TYPED_${tag}`));
  expect(await fp(`JSON_FILE_${tag}`)).not.toBe(await fp(`TEXT_FILE_${tag}`));
});

test("the upload shows the chosen file and disables typing until it is removed", async ({ page, leak }) => {
  const secrets = await SecretsPage.open(page, leak, newTag());
  const dialog = await secrets.openNewSecret();
  await dialog.getByLabel("Upload file").setInputFiles({ name: "key.txt", mimeType: "text/plain", buffer: Buffer.from(leak.value("chosen file")) });
  await expect(dialog.getByText(/Using key\.txt/)).toBeVisible();
  await expect(secretField(dialog)).toBeDisabled();
  await dialog.getByRole("button", { name: "Remove uploaded file" }).click();
  await expect(secretField(dialog)).toBeEnabled();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
});

test("rotates a secret: v1 -> v2 with a new fingerprint, by the rotating user", async ({ page, leak }) => {
  const { tag, secrets } = await openForNewTag(page, leak);
  const name = `ROTATE_${tag}`;
  await secrets.add({ name, value: leak.value("before rotation") });
  await expect(secrets.row(name)).toContainText("v1");
  const before = await secrets.fingerprint(name).innerText();

  const dialog = await secrets.openRotate(name);
  await expect(dialog).toContainText("version 2");
  const field = secretField(dialog);
  await field.fill(leak.value("after rotation"));
  expect(await textSecurity(field)).toBe("disc");
  await dialog.getByRole("button", { name: "Reveal secret" }).click();
  expect(await textSecurity(field)).toBe("none");
  await dialog.getByRole("button", { name: "Hide secret" }).click();
  await dialog.getByRole("button", { name: "Rotate secret" }).click();
  await expect(dialog).toBeHidden();

  await expect(secrets.row(name)).toContainText("v2");
  await expect(page.getByRole("status")).toHaveText(`Secret ${name} rotated to version 2.`);
  const after = await secrets.fingerprint(name).innerText();
  expect(after).toMatch(FINGERPRINT);
  expect(after).not.toBe(before);
  const item = await secrets.apiFind(name);
  expect(item?.version).toBe(2);
  expect(item?.fingerprint).toBe(after);
});

test("deletes a secret through the Delete NAME? dialog; Cancel keeps it", async ({ page, leak }) => {
  const { tag, secrets } = await openForNewTag(page, leak);
  const name = `DELETE_${tag}`;
  await secrets.add({ name, value: leak.value("to delete") });

  let dialog = await secrets.openDelete(name);
  await expect(dialog).toContainText(name);
  await expect(dialog).toContainText(/immediately/i);
  await expect(dialog).toContainText(/permanently/i);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(secrets.row(name)).toBeVisible();

  dialog = await secrets.openDelete(name);
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(secrets.row(name)).toHaveCount(0);
  await expect(page.getByRole("status")).toHaveText(`Secret ${name} deleted.`);
  expect(await secrets.apiFind(name)).toBeUndefined();

  // Gone after a reload too, not just from the client cache.
  await secrets.goto(tag);
  await expect(secrets.row(name)).toHaveCount(0);
});
