// Signs in once per seeded role through the real sign-in form and saves the session as storage state.
import { expect, test } from "./fixtures";
import { ROLES, seedPassword, storageStatePath, USERS } from "./support/env";

for (const role of ROLES) {
  test(`sign in as ${role}`, async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(USERS[role].email);
    await page.getByLabel("Password").fill(seedPassword());
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Team secrets" })).toBeVisible();
    await page.context().storageState({ path: storageStatePath(role) });
  });
}
