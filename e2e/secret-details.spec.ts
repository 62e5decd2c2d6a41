// Issue 12, descriptions: New secret's "Description", the "Edit NAME" dialog ("Save details"), the table's
// Description column (clamped, full text on expand), the filter by description, and Editors seeing
// descriptions without an Edit button. Driven by accessible names only. Names start with ZZ_ so they sort after the seeded secrets that other specs
// expect on the first page of the unfiltered table.
import { expect, test } from "./fixtures";
import { openForNewTag, SecretsPage } from "./support/secrets-page";

test("an Admin adds a described secret, edits its details, is refused over 500 characters, and finds it by its description", async ({ asRole, leak }) => {
  const admin = await asRole("admin");
  const { tag, secrets } = await openForNewTag(admin, leak);
  const name = `ZZ_DESC_${tag}`;

  await secrets.add({ name, description: `Billing webhook key ${tag}, owned by finance`, value: leak.value("described value") });
  await expect(secrets.row(name)).toContainText(`Billing webhook key ${tag}, owned by finance`);

  // Edit details: the dialog is titled "Edit NAME" and starts with the stored text.
  await admin.getByRole("button", { name: `Edit ${name}`, exact: true }).click();
  const edit = admin.getByRole("dialog", { name: `Edit ${name}`, exact: true });
  await expect(edit).toBeVisible();
  const field = edit.getByLabel("Description");
  await expect(field).toHaveValue(`Billing webhook key ${tag}, owned by finance`);

  // 501 characters: refused with a message on the field, the text kept whole, the dialog open.
  const tooLong = `${tag} ${"x".repeat(500 - tag.length)}`;
  await field.fill(tooLong);
  await edit.getByRole("button", { name: "Save details" }).click();
  await expect(edit.getByRole("alert")).toHaveText("Descriptions are at most 500 characters (this one has 501).");
  await expect(field).toHaveValue(tooLong);
  await expect(field).toBeFocused();
  await expect(edit).toBeVisible();

  const long = `Rotated by the payments team ${tag}. ${"Ask in #payments before rotating; the receiver caches it for an hour. ".repeat(3)}`.trim();
  await field.fill(long);
  await edit.getByRole("button", { name: "Save details" }).click();
  await expect(edit).toBeHidden();
  await expect(admin.getByRole("status")).toHaveText(`Details of ${name} saved.`);

  // Clamped in the table, the full text in a title and behind Show more.
  const row = secrets.row(name);
  await expect(row.getByTitle(long)).toBeVisible();
  const more = row.getByRole("button", { name: /^Show more/ });
  await expect(more).toHaveAttribute("aria-expanded", "false");
  await more.click();
  await expect(row.getByRole("button", { name: /^Show less/ })).toHaveAttribute("aria-expanded", "true");

  // The filter finds it by a word of the description only.
  await secrets.goto(`payments team ${tag}`.toUpperCase());
  await expect(secrets.row(name)).toBeVisible();
  await expect(admin.getByRole("row")).toHaveCount(2); // the header row and this one
  await admin.getByRole("searchbox").fill(`nothing like this ${tag}`);
  await expect(secrets.row(name)).toBeHidden();
  await admin.getByRole("searchbox").fill(`receiver caches it`);
  await expect(secrets.row(name)).toBeVisible();
});

test("an Editor sees descriptions but has no Edit button", async ({ asRole, leak }) => {
  const admin = await asRole("admin");
  const { tag, secrets: adminPage } = await openForNewTag(admin, leak);
  const name = `ZZ_EDESC_${tag}`;
  await adminPage.add({ name, description: `Read-only for editors ${tag}`, value: leak.value("editor-visible secret") });

  const editor = await asRole("editor");
  const editorPage = await SecretsPage.open(editor, leak, tag);
  await expect(editorPage.row(name)).toContainText(`Read-only for editors ${tag}`);
  await expect(editor.getByRole("button", { name: `Edit ${name}`, exact: true })).toHaveCount(0);
});
