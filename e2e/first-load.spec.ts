// Issue 10, weight: the Team secrets page's dialogs, the Used by popover and the team switcher's menu are not
// part of its first load (components/ui/deferred.tsx). Their code is fetched when first opened, and the
// dialog then behaves as before: it opens from its button, takes focus, and gives it back on Escape.
import { expect, test } from "./fixtures";
import { openForNewTag } from "./support/secrets-page";
import { storageStatePath } from "./support/env";

test.use({ storageState: storageStatePath("admin") });

const scriptCount = (page: import("@playwright/test").Page) =>
  page.evaluate(() => performance.getEntriesByType("resource").filter((e) => /\.js(\?|$)/.test(new URL(e.name).pathname)).length);

test("a row's Rotate dialog is fetched when first opened, then opens, takes focus and returns it", async ({ page, leak }) => {
  const { tag, secrets } = await openForNewTag(page, leak);
  const name = `FIRST_LOAD_${tag}`;
  await secrets.add({ name, value: leak.value("first load"), visibility: "Masked" });

  await page.reload({ waitUntil: "networkidle" });
  const rotate = secrets.row(name).getByRole("button", { name: `Rotate ${name}` });
  await expect(rotate).toHaveAttribute("aria-haspopup", "dialog");
  await expect(rotate).toHaveAttribute("aria-expanded", "false");
  const loaded = await scriptCount(page);

  await rotate.click();
  const dialog = page.getByRole("dialog", { name: `Rotate ${name}` });
  await expect(dialog).toBeVisible();
  await expect.poll(() => dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  expect(await scriptCount(page)).toBeGreaterThan(loaded);

  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(rotate).toBeFocused();
  await expect(rotate).toHaveAttribute("aria-expanded", "false");
});
