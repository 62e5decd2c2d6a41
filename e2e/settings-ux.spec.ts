// Issue 10: the settings UI as each role, a keyboard-only user and a phone user meet it. By accessible name.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { existsSync, readFileSync } from "node:fs";
import { serverLogPath, storageStatePath, TEAM } from "./support/env";
import { newTag, openForNewTag, secretField } from "./support/secrets-page";

test.use({ storageState: storageStatePath("admin") });

const SETTINGS = `/teams/${TEAM}/settings`;

/** Counts server-action POSTs, to prove a check ran in the browser. */
function countActions(page: Page): { readonly n: number } {
  const counter = { n: 0 };
  page.on("request", (r) => {
    if (r.method() === "POST" && r.headers()["next-action"]) counter.n++;
  });
  return counter;
}

test("item 1: Editors get a visible notice wherever they lack a capability, and Restricted is explained", async ({ asRole }) => {
  const editor = await asRole("editor");
  await editor.goto(`${SETTINGS}/secrets`);
  await expect(editor.getByRole("note")).toHaveText(/You can view this team's secrets\. Owners and Admins add, rotate and delete them\./);
  const restricted = editor.getByRole("row").filter({ has: editor.getByRole("rowheader", { name: "DATABASE_PASSWORD", exact: true }) });
  await expect(restricted.getByText("Hidden (Restricted)")).toHaveAttribute("title", /only Owners and Admins/);
  await expect(restricted.getByText("Restricted", { exact: true })).toHaveAttribute("title", /Editors see only that it exists/);
  for (const [page, text] of [
    ["webhooks", /Restricted secrets, and webhooks that carry one, are managed by Owners and Admins/],
    ["members", /Owners and Admins invite and remove members/],
    ["tokens", /Only Owners and Admins can see and create this team's access tokens/],
  ] as const) {
    await editor.goto(`${SETTINGS}/${page}`);
    await expect(editor.getByRole("note")).toHaveText(text);
  }
  // An Owner or Admin sees no such notice.
  const admin = await asRole("admin");
  await admin.goto(`${SETTINGS}/secrets`);
  await expect(admin.getByRole("table", { name: "Team secrets" })).toBeVisible();
  await expect(admin.getByRole("note")).toHaveCount(0);
});

test("items 2 and 10: keyboard only — add (Enter), rotate (Ctrl+Enter), delete; focus lands where the user is", async ({ page, leak }) => {
  const { tag, secrets } = await openForNewTag(page, leak);
  const a = `KB_A_${tag}`;
  const b = `KB_B_${tag}`;

  // The skip link is the first stop and moves focus to the main content.
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to main content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();

  for (const [name, submit] of [
    [a, "Enter"],
    [b, "Control+Enter"],
  ] as const) {
    await page.getByRole("button", { name: "New secret" }).focus();
    await page.keyboard.press("Enter");
    const dialog = secrets.newSecretDialog();
    await expect(dialog.getByLabel("Name", { exact: true })).toBeFocused();
    await page.keyboard.type(name);
    await page.keyboard.press("Tab");
    await expect(secretField(dialog)).toBeFocused();
    await page.keyboard.type(leak.value(`keyboard ${name}`));
    // Reveal comes right after the field it controls.
    await page.keyboard.press("Tab");
    await expect(dialog.getByRole("button", { name: "Reveal secret" })).toBeFocused();
    if (submit === "Enter") {
      await dialog.getByLabel("Name", { exact: true }).focus();
      await page.keyboard.press("Enter");
    } else {
      await secretField(dialog).focus();
      await page.keyboard.press("Control+Enter");
    }
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("status")).toContainText(`Secret ${name} added.`);
  }

  // A server-side refusal (duplicate name) moves focus from the Secret field to the field it is about.
  await page.getByRole("button", { name: "New secret" }).focus();
  await page.keyboard.press("Enter");
  const dup = secrets.newSecretDialog();
  await page.keyboard.type(a.toLowerCase());
  await page.keyboard.press("Tab");
  await page.keyboard.type(leak.value("keyboard duplicate"));
  await expect(secretField(dup)).toBeFocused();
  await page.keyboard.press("Control+Enter");
  await expect(dup.getByRole("alert")).toHaveText(/already exists/);
  await expect(dup.getByLabel("Name", { exact: true })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dup).toBeHidden();

  // Rotate with an empty value: refused in the browser, focus on the Secret field; then Ctrl+Enter saves.
  await secrets.row(a).getByRole("button", { name: `Rotate ${a}` }).focus();
  await page.keyboard.press("Enter");
  const rotate = page.getByRole("dialog", { name: `Rotate ${a}` });
  await expect(secretField(rotate)).toBeFocused();
  await page.keyboard.press("Control+Enter");
  await expect(rotate.getByRole("alert")).toHaveText("Enter a secret value.");
  await expect(secretField(rotate)).toBeFocused();
  await page.keyboard.type(leak.value("keyboard rotated"));
  await page.keyboard.press("Control+Enter");
  await expect(rotate).toBeHidden();
  await expect(page.getByRole("status")).toContainText(`Secret ${a} rotated to version 2.`);
  await expect(secrets.row(a)).toContainText("v2");

  // Delete the first row: focus goes to the next row's first action; deleting the last one, to New secret.
  await secrets.row(a).getByRole("button", { name: `Delete ${a}` }).focus();
  await page.keyboard.press("Enter");
  const del = page.getByRole("alertdialog", { name: `Delete ${a}?` });
  await expect(del.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(del.getByRole("button", { name: "Delete" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(del).toBeHidden();
  await expect(page.getByRole("status")).toContainText(`Secret ${a} deleted.`);
  await expect(page.getByRole("button", { name: `Rotate ${b}` })).toBeFocused();

  await page.getByRole("button", { name: `Delete ${b}` }).focus();
  await page.keyboard.press("Enter");
  await page.getByRole("alertdialog", { name: `Delete ${b}?` }).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("status")).toContainText(`Secret ${b} deleted.`);
  await expect(page.getByRole("button", { name: "New secret" })).toBeFocused();
});

test("items 3, 8 and 9: a 70-character name is refused, never cut; every field error shows at once, checked before submit", async ({ page, leak }) => {
  const { tag, secrets } = await openForNewTag(page, leak);
  const actions = countActions(page);
  const dialog = await secrets.openNewSecret();
  await expect(dialog).toContainText("Visibility is permanent: it cannot be changed after the secret is created.");
  await expect(dialog).toHaveAccessibleDescription(/name and the visibility cannot be changed later/);

  const long = `LONG_${tag}_`.padEnd(70, "X");
  const name = dialog.getByLabel("Name", { exact: true });
  await name.fill(long);
  await expect(name).toHaveValue(long); // nothing cut what was typed
  await dialog.getByRole("button", { name: "Add secret" }).click();
  // Both problems at once, each on its own field, before any request.
  await expect(dialog.getByRole("alert")).toHaveText(["Names are at most 64 characters.", "Enter a secret value."]);
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(secretField(dialog)).toHaveAttribute("aria-invalid", "true");
  await expect(name).toBeFocused();
  expect(actions.n).toBe(0);

  // A bad file's error is the file field's; the untouched Secret box is not marked.
  await name.fill(`FILE_${tag}`);
  await dialog.getByLabel("Upload file").setInputFiles({ name: "creds.json", mimeType: "application/json", buffer: Buffer.from(`{"k": "${leak.value("bad json")}",`) });
  await expect(dialog.getByRole("alert")).toHaveText("creds.json: The file is not valid JSON.");
  await expect(dialog.getByLabel("Upload file")).toHaveAttribute("aria-invalid", "true");
  await expect(dialog.getByLabel("Upload file")).toHaveAccessibleDescription("creds.json: The file is not valid JSON.");
  await expect(secretField(dialog)).not.toHaveAttribute("aria-invalid", "true");
  await dialog.getByRole("button", { name: "Add secret" }).click();
  await expect(dialog.getByLabel("Upload file")).toBeFocused();
  expect(actions.n).toBe(0);
  expect((await secrets.apiList(tag)).total).toBe(0);
});

test("item 11: a credential file dropped onto the Secret field is used, with a visible drop target", async ({ page, leak }) => {
  const { tag, secrets } = await openForNewTag(page, leak);
  const name = `DROP_${tag}`;
  const dialog = await secrets.openNewSecret();
  await dialog.getByLabel("Name", { exact: true }).fill(name);
  const json = JSON.stringify({ type: "service_account", private_key: leak.value("dropped key") });
  const target = dialog.locator("[data-drop-target]");
  const dt = await page.evaluateHandle((text) => {
    const d = new DataTransfer();
    d.items.add(new File([text], "service-account.json", { type: "application/json" }));
    return d;
  }, json);
  await target.dispatchEvent("dragover", { dataTransfer: dt });
  await expect(dialog.getByText("Drop the file to use it as the value")).toBeVisible();
  await target.dispatchEvent("drop", { dataTransfer: dt });
  await expect(dialog.getByText(/Using service-account\.json/)).toBeVisible();
  await expect(secretField(dialog)).toBeDisabled();
  await dialog.getByRole("button", { name: "Add secret" }).click();
  await expect(dialog).toBeHidden();
  await expect(secrets.row(name)).toBeVisible();

  // The same checks as the file input: a dropped broken JSON file is refused on the file field.
  const dialog2 = await secrets.openNewSecret();
  const bad = await page.evaluateHandle(() => {
    const d = new DataTransfer();
    d.items.add(new File(["{nope"], "broken.json", { type: "application/json" }));
    return d;
  });
  await dialog2.locator("[data-drop-target]").dispatchEvent("drop", { dataTransfer: bad });
  await expect(dialog2.getByRole("alert")).toHaveText("broken.json: The file is not valid JSON.");
});

test("items 6 and 10: a 64-character name wraps, keeps its actions on screen, and can be copied", async ({ page, context, leak }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const { tag, secrets } = await openForNewTag(page, leak);
  const name = `W${tag}`.padEnd(64, "W");
  await secrets.add({ name, value: leak.value("long name") });
  const row = secrets.row(name);
  const del = row.getByRole("button", { name: `Delete ${name}` });
  await expect(del).toBeInViewport();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  await expect(row.getByRole("rowheader").getByTitle(name)).toHaveText(name);

  await row.getByRole("button", { name: `Copy name ${name}` }).click();
  await expect(page.getByRole("status")).toContainText(`Copied ${name}.`);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(name);

  await del.click();
  const dialog = page.getByRole("alertdialog", { name: `Delete ${name}?` });
  const fits = await dialog.evaluate((el) => el.scrollWidth <= el.clientWidth);
  expect(fits).toBe(true);
});

test("item 7: page size, page jump and the total at the top", async ({ page, leak }) => {
  const { tag } = await openForNewTag(page, leak);
  // 23 secrets through Import (pasted).
  await page.getByRole("button", { name: "Import" }).click();
  const imp = page.getByRole("dialog", { name: "Import secrets" });
  const lines = Array.from({ length: 23 }, (_, i) => `PG_${tag}_${String(i).padStart(2, "0")}=${leak.value(`page ${i}`)}`).join("\n");
  await imp.getByLabel("Paste").fill(lines);
  await expect(imp.getByText("23 new")).toBeVisible();
  await imp.getByRole("button", { name: "Import secrets" }).click();
  await expect(imp).toBeHidden();

  await expect(page.getByText("23 secrets matching")).toBeVisible();
  await page.getByLabel("Per page").selectOption("10");
  await expect(page.getByText("Page 1 of 3")).toBeVisible();
  await page.getByLabel("Go to page").fill("3");
  await page.getByLabel("Go to page").press("Enter");
  await expect(page.getByText("Page 3 of 3")).toBeVisible();
  await expect(page.getByText("Showing 21–23 of 23")).toBeVisible();
  await expect(page.getByRole("rowheader", { name: `PG_${tag}_22`, exact: true })).toBeVisible();
  await expect(page).toHaveURL(/pageSize=10/);
});

test("item 7: a 1,000-line import through the production build seals on the bulk worker thread and lands whole", async ({ page, leak }) => {
  const { tag } = await openForNewTag(page, leak);
  // After the first chunk (250 rows, sealed in the request's thread) the rest is one chunk of 750: over the
  // worker's threshold (lib/crypto/bulk.ts BULK_MIN), so the production build must find and start the worker.
  const value = (i: number) => (i === 0 || i === 999 ? leak.value(`bulk ${i}`) : `bulk-${tag}-${i}-${Math.random().toString(36).slice(2)}`);
  const lines = Array.from({ length: 1000 }, (_, i) => `BULK_${tag}_${String(i).padStart(4, "0")}=${value(i)}`).join("\n");
  await page.getByRole("button", { name: "Import" }).click();
  const imp = page.getByRole("dialog", { name: "Import secrets" });
  await imp.getByLabel("Paste").fill(lines);
  await expect(imp.getByText("1000 new")).toBeVisible();
  await imp.getByRole("button", { name: "Import secrets" }).click();
  await expect(imp).toBeHidden({ timeout: 60_000 });
  await expect(page.getByText("1,000 secrets matching").or(page.getByText("1000 secrets matching"))).toBeVisible();
  // The worker says when it starts, and a worker that cannot start says so (the work is then done in the
  // request's thread): here it must have started, in the production server.
  await expect.poll(() => (existsSync(serverLogPath()) ? readFileSync(serverLogPath(), "utf8") : "")).toContain("bulk crypto worker started");
  expect(readFileSync(serverLogPath(), "utf8")).not.toContain("bulk crypto worker could not start");
});

test("item 10: a new team is confirmed, its empty page has its own New secret and next steps; dark mode follows the system", async ({ page }) => {
  const team = `Ux ${newTag()}`;
  await page.goto("/teams/new");
  await page.getByLabel("Team name").fill(team);
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page.getByRole("heading", { name: `Team ${team} created. You are its Owner.` })).toBeVisible();
  await expect(page.getByRole("link", { name: "Create an access token" })).toBeVisible();
  // The empty state carries the one New secret button.
  const table = page.getByRole("table", { name: "Team secrets" }).locator("..");
  await expect(table.getByRole("button", { name: "New secret" })).toBeVisible();
  await expect(page.getByRole("button", { name: "New secret" })).toHaveCount(1);
  // Reloading drops the confirmation (the flag left the URL).
  await page.reload();
  await expect(page.getByRole("heading", { name: /created\. You are its Owner/ })).toHaveCount(0);

  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(dark).not.toBe(light);
  // oklch(L …) with L in 0..1, or rgb(r, g, b): either way a dark colour has a low first number.
  const first = Number(dark.match(/[\d.]+/)![0]);
  expect(dark.startsWith("oklch") ? first < 0.3 : first < 80).toBe(true);
});

test("item 10: confirmations go away by themselves", async ({ page, leak }) => {
  await page.clock.install();
  const { tag, secrets } = await openForNewTag(page, leak);
  await secrets.add({ name: `TOAST_${tag}`, value: leak.value("toast") });
  await expect(page.getByRole("status")).toContainText(`Secret TOAST_${tag} added.`);
  await page.clock.runFor(7000);
  await expect(page.getByRole("status")).not.toContainText(`TOAST_${tag}`);
});
