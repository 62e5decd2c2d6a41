// Issue 9 item 13: with JavaScript off (as when next dev blocks its scripts for an unknown origin), the
// sign-in and sign-up forms post to their server actions: the password is never in a URL, and sign-in works.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { newTag } from "./support/secrets-page";
import { seedPassword, USERS } from "./support/env";

test.use({ javaScriptEnabled: false });

/** Every URL the page requests, and each navigation as "METHOD /path". */
function recordRequests(page: Page): { urls: string[]; methods: string[] } {
  const urls: string[] = [];
  const methods: string[] = [];
  page.on("request", (r) => {
    urls.push(r.url());
    if (r.isNavigationRequest()) methods.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  return { urls, methods };
}

/** No requested URL names the password field or carries the password. */
function expectNoPasswordIn(urls: string[], password: string) {
  for (const u of urls) {
    expect(u).not.toContain("password");
    expect(u).not.toContain(encodeURIComponent(password));
  }
}

test("without JavaScript, sign-in posts (the password never in a URL) and signs in", async ({ page }) => {
  const { urls, methods } = recordRequests(page);
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(USERS.owner.email);
  await page.getByLabel("Password").fill("wrong-password-no-js");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("Incorrect email or password.");
  expect(methods).toContain("POST /sign-in");

  await page.getByLabel("Email").fill(USERS.owner.email);
  await page.getByLabel("Password").fill(seedPassword());
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/teams/);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  expectNoPasswordIn(urls, seedPassword());
});

test("without JavaScript, sign-up posts and the password never reaches a URL", async ({ page, leak }) => {
  const tag = newTag().toLowerCase();
  const password = leak.value("no-js signup password");
  const { urls, methods } = recordRequests(page);
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(`No Script ${tag}`);
  await page.getByLabel("Email").fill(`nojs-${tag}@example.com`);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/teams$/);
  expect(methods).toContain("POST /sign-up");
  expectNoPasswordIn(urls, password);
});
