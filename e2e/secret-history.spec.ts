// History of a secret (issue 12): "History NAME" opens "History of NAME", a table with one row per version
// (who, when, how, fingerprint), which says past values are not kept. Editors open it too; a Restricted
// secret's fingerprints never reach them.
import { expect, test } from "./fixtures";
import { storageStatePath } from "./support/env";
import { openForNewTag, SecretsPage } from "./support/secrets-page";

test.use({ storageState: storageStatePath("admin") });

const FINGERPRINT = /^[0-9a-f]{16}$/;

test("an Admin sees every version with who, how and fingerprint; the newest is current", async ({ page, leak }) => {
  const { tag, secrets } = await openForNewTag(page, leak);
  const name = `HISTORY_${tag}`;
  await secrets.add({ name, value: leak.value("history v1") });
  const fp1 = await secrets.fingerprint(name).innerText();
  await secrets.rotate(name, leak.value("history v2"));
  await expect(secrets.row(name)).toContainText("v2");
  const fp2 = await secrets.fingerprint(name).innerText();
  expect(fp2).not.toBe(fp1);

  await secrets.row(name).getByRole("button", { name: `History ${name}`, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: `History of ${name}`, exact: true });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Past values are not kept");
  const table = dialog.getByRole("table");
  const rows = table.getByRole("row").filter({ has: page.getByRole("rowheader") });
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0).getByRole("rowheader")).toHaveText(/^v2\s*Current$/);
  await expect(rows.nth(0)).toContainText("Adam Admin");
  await expect(rows.nth(0)).toContainText("UI");
  await expect(rows.nth(0).getByTitle(/^Fingerprint/)).toHaveText(fp2);
  await expect(rows.nth(1).getByRole("rowheader")).toHaveText("v1");
  await expect(rows.nth(1).getByTitle(/^Fingerprint/)).toHaveText(fp1);

  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();
  await expect(secrets.row(name).getByRole("button", { name: `History ${name}`, exact: true })).toBeFocused();
});

test("an Editor opens History: Masked fingerprints shown, a Restricted one's hidden everywhere", async ({ leak, asRole }) => {
  const { tag, secrets: admin } = await openForNewTag(await asRole("admin"), leak);
  await admin.add({ name: `HIST_MASKED_${tag}`, value: leak.value("history masked") });
  await admin.add({ name: `HIST_RESTRICTED_${tag}`, value: leak.value("history restricted"), visibility: "Restricted" });
  const maskedFp = await admin.fingerprint(`HIST_MASKED_${tag}`).innerText();
  const restrictedFp = await admin.fingerprint(`HIST_RESTRICTED_${tag}`).innerText();
  expect(restrictedFp).toMatch(FINGERPRINT);

  const page = await asRole("editor");
  await SecretsPage.open(page, leak, tag);
  await expect(page.getByRole("button", { name: /^Rotate / })).toHaveCount(0);

  await page.getByRole("button", { name: `History HIST_MASKED_${tag}`, exact: true }).click();
  let dialog = page.getByRole("dialog", { name: `History of HIST_MASKED_${tag}`, exact: true });
  await expect(dialog.getByRole("table").getByTitle(/^Fingerprint/)).toHaveText(maskedFp);
  await dialog.getByRole("button", { name: "Close" }).click();

  const historyResponse = page.waitForResponse((r) => r.url().includes("/history"));
  await page.getByRole("button", { name: `History HIST_RESTRICTED_${tag}`, exact: true }).click();
  dialog = page.getByRole("dialog", { name: `History of HIST_RESTRICTED_${tag}`, exact: true });
  const rows = dialog.getByRole("table").getByRole("row").filter({ has: page.getByRole("rowheader") });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Hidden (Restricted)");
  await expect(dialog).toContainText("shown to Owners and Admins only");
  expect(await (await historyResponse).text()).not.toContain(restrictedFp);
  expect(await page.content()).not.toContain(restrictedFp);
});
