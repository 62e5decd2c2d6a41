// Helpers for the Access tokens page (issue 5, "Accessible names").
import { expect, type Page } from "@playwright/test";
import { TEAM } from "./env";

export const tokensUrl = (team = TEAM) => `/teams/${team}/settings/tokens`;

/** Creates a token through the New token dialog and returns the token shown once. */
export async function createToken(
  page: Page,
  opts: { name: string; secrets: { name: string; env?: string }[]; expires?: string; cidrs?: string },
): Promise<string> {
  await page.goto(tokensUrl());
  await expect(page.getByRole("heading", { name: "Access tokens" })).toBeVisible();
  await page.getByRole("button", { name: "New token" }).click();
  const dialog = page.getByRole("dialog", { name: "New token" });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Name", { exact: true }).fill(opts.name);
  const combo = dialog.getByRole("combobox", { name: "Secrets" });
  for (const s of opts.secrets) {
    await combo.fill(s.name);
    await dialog.getByRole("option", { name: s.name, exact: true }).click();
    if (s.env) await dialog.getByLabel(`Environment variable for ${s.name}`).fill(s.env);
  }
  if (opts.expires) await dialog.getByLabel("Expires").selectOption(opts.expires);
  if (opts.cidrs) await dialog.getByLabel(/Allowed source addresses/).fill(opts.cidrs);
  await dialog.getByRole("button", { name: "Create token" }).click();
  const field = page.getByRole("dialog").getByLabel("Token", { exact: true });
  await expect(field).toHaveValue(/^tsk_/);
  const token = await field.inputValue();
  return token;
}

export async function revokeToken(page: Page, name: string): Promise<void> {
  await page.goto(tokensUrl());
  await page.getByRole("button", { name: `Revoke ${name}`, exact: true }).click();
  const confirm = page.getByRole("alertdialog", { name: `Revoke ${name}?` });
  await confirm.getByRole("button", { name: "Revoke", exact: true }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole("button", { name: `Revoke ${name}`, exact: true })).toHaveCount(0);
}
