// Sign-up (signs in, asks for a team, lands on Team secrets), sign-in failures that say nothing about which
// accounts exist, and sign-out.
import { expect, test } from "./fixtures";
import { newTag } from "./support/secrets-page";
import { USERS } from "./support/env";

test("sign-up signs in, asks for a team, lands on Team secrets as Owner; sign-out ends the session", async ({ page, leak }) => {
  const tag = newTag().toLowerCase();
  const password = leak.value("signup password");
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(`New User ${tag}`);
  await page.getByLabel("Email").fill(`new-${tag}@example.com`);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();

  // Signed in, no team yet: asked to create one.
  await expect(page.getByLabel("Team name")).toBeVisible();
  await expect(page).toHaveURL(/\/teams$/);
  await page.getByLabel("Team name").fill(`Team ${tag}`);
  await page.getByRole("button", { name: "Create team" }).click();

  await expect(page.getByRole("heading", { name: "Team secrets" })).toBeVisible();
  await expect(page).toHaveURL(/\/teams\/[^/]+\/settings\/secrets/);
  // The creator is the Owner: the write action is there, and the new team has no secrets.
  await expect(page.getByRole("button", { name: "New secret" })).toBeVisible();
  await expect(page.getByText("No secrets yet")).toBeVisible();
  const teamUrl = new URL(page.url()).pathname;

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);

  // The session is really over: the team page sends us back to sign-in.
  await page.goto(teamUrl);
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { name: "Team secrets" })).toHaveCount(0);

  // And the new account works with its password.
  await page.getByLabel("Email").fill(`new-${tag}@example.com`);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Team secrets" })).toBeVisible();
});

test("a wrong password gets an alert that does not say whether the account exists", async ({ page, leak }) => {
  async function attempt(email: string, password: string): Promise<string> {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert").filter({ hasText: /\S/ });
    await expect(alert).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in/);
    return (await alert.innerText()).trim();
  }

  const existing = await attempt(USERS.admin.email, leak.value("wrong password"));
  const unknown = await attempt(`nobody-${newTag().toLowerCase()}@example.com`, leak.value("wrong password 2"));
  expect(existing).toMatch(/incorrect email or password/i);
  expect(unknown).toBe(existing);
  expect(existing).not.toMatch(/no account|not found|does not exist|unknown|not registered/i);
  // Still signed out.
  await page.goto("/teams");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("sign-up refuses an email that already has an account without signing anyone in", async ({ page, leak }) => {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Duplicate");
  await page.getByLabel("Email").fill(USERS.editor.email);
  await page.getByLabel("Password").fill(leak.value("duplicate signup password"));
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toBeVisible();
  await page.goto("/teams");
  await expect(page).toHaveURL(/\/sign-in/);
});
