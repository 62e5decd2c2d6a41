// Issue 12, expiry and rotation policy in the browser: "Expires on", "Rotate every (days)" and "Stop serving
// after expiry" on New secret, Rotate and Edit details; the row's status texts; the "Due" filter; and the
// Secrets tab's badge ("Secrets, N due"). Driven by accessible names only. Names start with ZZ_ so they sort after the seeded secrets that other specs
// expect on the first page of the unfiltered table.
import { expect, test } from "./fixtures";
import { openForNewTag, secretField, SecretsPage } from "./support/secrets-page";

const DAY = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);

test("an Admin sets expiry and rotation on New secret; rows show their status; Due filters them; the Secrets tab counts them", async ({ asRole, leak }) => {
  const page = await asRole("admin");
  const { tag, secrets } = await openForNewTag(page, leak);

  const add = async (name: string, fields: { expiresOn?: string; rotateEvery?: string; stop?: boolean }) => {
    const dialog = await secrets.openNewSecret();
    await dialog.getByLabel("Name", { exact: true }).fill(name);
    await secretField(dialog).fill(leak.value(`lifecycle ${name}`));
    if (fields.expiresOn) await dialog.getByLabel("Expires on").fill(fields.expiresOn);
    if (fields.rotateEvery) await dialog.getByRole("spinbutton", { name: "Rotate every (days)" }).fill(fields.rotateEvery);
    if (fields.stop) await dialog.getByRole("checkbox", { name: "Stop serving after expiry" }).check();
    await dialog.getByRole("button", { name: "Add secret" }).click();
    await expect(dialog).toBeHidden();
    await expect(secrets.row(name)).toBeVisible();
  };
  const soon = `ZZ_SOON_${tag}`;
  const gone = `ZZ_GONE_${tag}`;
  const later = `ZZ_LATER_${tag}`;
  const plain = `ZZ_PLAIN_${tag}`;
  await add(soon, { expiresOn: inDays(5), rotateEvery: "30" });
  await add(gone, { expiresOn: inDays(-2), stop: true });
  await add(later, { expiresOn: inDays(60) });
  await add(plain, {});

  await expect(secrets.row(soon)).toContainText("Expires in 5 days");
  await expect(secrets.row(gone)).toContainText("Expired 2 days ago");
  await expect(secrets.row(later)).toContainText("Expires in 60 days");
  for (const text of [/Expire/, /Rotation due/]) await expect(secrets.row(plain)).not.toContainText(text);

  // Due: expired or expiring within 14 days (or due for rotation); the URL keeps it.
  const due = page.getByRole("checkbox", { name: "Due" });
  await due.check();
  await expect(secrets.row(later)).toBeHidden();
  await expect(secrets.row(plain)).toBeHidden();
  await expect(secrets.row(soon)).toBeVisible();
  await expect(secrets.row(gone)).toBeVisible();
  await expect(page).toHaveURL(/due=1/);
  await page.reload();
  await expect(page.getByRole("checkbox", { name: "Due" })).toBeChecked();
  await expect(secrets.row(gone)).toBeVisible();
  await expect(secrets.row(later)).toBeHidden();
  await page.getByRole("checkbox", { name: "Due" }).uncheck();
  await expect(secrets.row(later)).toBeVisible();

  // The Secrets tab counts what is due in the whole team (other tests add theirs: at least these two).
  const tab = page.getByRole("navigation", { name: "Team settings" }).getByRole("link", { name: /^Secrets, \d+ due$/ });
  await expect(tab).toBeVisible();
  const n = Number((await tab.textContent())?.match(/(\d+) due/)?.[1]);
  expect(n).toBeGreaterThanOrEqual(2);
});

test("Edit details and Rotate show the policy and change it; a bad period is refused on its field", async ({ asRole, leak }) => {
  const page = await asRole("owner");
  const { tag, secrets } = await openForNewTag(page, leak);
  const name = `ZZ_POLICY_${tag}`;
  await secrets.add({ name, value: leak.value("policy value") });
  await expect(secrets.row(name)).not.toContainText("Expire");

  await page.getByRole("button", { name: `Edit ${name}`, exact: true }).click();
  const edit = page.getByRole("dialog", { name: `Edit ${name}`, exact: true });
  await edit.getByLabel("Expires on").fill(inDays(-1));
  await edit.getByRole("spinbutton", { name: "Rotate every (days)" }).fill("0");
  await edit.getByRole("button", { name: "Save details" }).click();
  await expect(edit.getByRole("alert")).toHaveText("Enter a whole number of days from 1 to 3,650.");
  await expect(edit.getByRole("spinbutton", { name: "Rotate every (days)" })).toBeFocused();
  await edit.getByRole("spinbutton", { name: "Rotate every (days)" }).fill("90");
  await edit.getByRole("checkbox", { name: "Stop serving after expiry" }).check();
  await edit.getByRole("button", { name: "Save details" }).click();
  await expect(edit).toBeHidden();
  await expect(secrets.row(name)).toContainText("Expired 1 day ago");

  // Reopened, the dialog shows what is stored.
  await page.getByRole("button", { name: `Edit ${name}`, exact: true }).click();
  await expect(edit.getByLabel("Expires on")).toHaveValue(inDays(-1));
  await expect(edit.getByRole("spinbutton", { name: "Rotate every (days)" })).toHaveValue("90");
  await expect(edit.getByRole("checkbox", { name: "Stop serving after expiry" })).toBeChecked();
  await edit.getByRole("button", { name: "Cancel" }).click();

  // Rotate carries the same fields: a new value and a new expiry in one save.
  const rotate = await secrets.openRotate(name);
  await expect(rotate.getByLabel("Expires on")).toHaveValue(inDays(-1));
  await secretField(rotate).fill(leak.value("policy value 2"));
  await rotate.getByLabel("Expires on").fill(inDays(3));
  await rotate.getByRole("button", { name: "Rotate secret" }).click();
  await expect(rotate).toBeHidden();
  await expect(secrets.row(name)).toContainText("v2");
  await expect(secrets.row(name)).toContainText("Expires in 3 days");
});

test("a value older than its rotation period shows Rotation due, is in Due, and counts in the Secrets tab (seeded: Globex)", async ({ asRole, leak }) => {
  // db/seed.ts: GLOBEX_SIGNING_KEY rotates every 90 days and its value was set 100 days ago.
  const page = await asRole("outsider");
  const secrets = new SecretsPage(page, leak, "globex");
  await secrets.goto();
  await expect(secrets.row("GLOBEX_SIGNING_KEY")).toContainText("Rotation due");
  await expect(secrets.row("GLOBEX_TOKEN")).not.toContainText("Rotation due");
  await page.getByRole("checkbox", { name: "Due" }).check();
  await expect(secrets.row("GLOBEX_SIGNING_KEY")).toBeVisible();
  await expect(secrets.row("GLOBEX_TOKEN")).toBeHidden();
  const tab = page.getByRole("navigation", { name: "Team settings" }).getByRole("link", { name: /^Secrets, \d+ due$/ });
  await expect(tab).toBeVisible();
});
