// Signed webhooks through the UI: an Admin creates a webhook and copies its signing secret (shown once: not
// on the page after a reload; the leak recorder checks it reached exactly one response), sends a test that a
// receiver on 127.0.0.1 verifies with the real standardwebhooks library, rotates the secret, and redelivers;
// a webhook subscribed to "Secret rotated" only does not get a member change.
import type { Locator, Page } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { startReceiver, type TReceiver } from "../tests/support/receiver";
import { expect, test } from "./fixtures";
import { BASE_URL, TEAM } from "./support/env";
import { newTag, SecretsPage } from "./support/secrets-page";

const WEBHOOKS = `/teams/${TEAM}/settings/webhooks`;

type TGot = { path: string; headers: Record<string, string>; raw: Buffer; verdict: string };
let receiver: TReceiver;
const got: TGot[] = [];
// path -> the secrets that receiver endpoint is configured with; seen ids per path (replays refused).
const secretsFor = new Map<string, string[]>();
const seen = new Map<string, Set<string>>();

function verify(path: string, raw: Buffer, headers: Record<string, string>): string {
  const secrets = secretsFor.get(path) ?? [];
  let reason = "no secret configured";
  for (const s of secrets) {
    try {
      new Webhook(s).verify(raw, headers);
      const ids = seen.get(path) ?? new Set<string>();
      seen.set(path, ids);
      if (ids.has(headers["webhook-id"]!)) return "replayed";
      ids.add(headers["webhook-id"]!);
      return "verified";
    } catch (err) {
      reason = (err as Error).message;
    }
  }
  return reason;
}

test.beforeAll(async () => {
  receiver = await startReceiver();
  receiver.respond((req, res) => {
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const path = req.url.split("?")[0]!;
    const verdict = verify(path, req.raw, headers);
    got.push({ path, headers, raw: req.raw, verdict });
    res.statusCode = verdict === "verified" ? 204 : 400;
    res.end();
  });
});
test.afterAll(() => receiver.close());

async function newWebhook(page: Page, name: string, path: string, events?: string[]): Promise<Locator> {
  await page.goto(WEBHOOKS);
  await page.getByRole("button", { name: "New webhook" }).click();
  const dialog = page.getByRole("dialog", { name: "New webhook" });
  await dialog.getByLabel("Name", { exact: true }).fill(name);
  await dialog.getByLabel("URL").fill(`http://127.0.0.1:${receiver.port}${path}`);
  const group = dialog.getByRole("group", { name: "Events" });
  // A new webhook starts subscribed to every event.
  const boxes = group.getByRole("checkbox");
  expect(await boxes.count()).toBeGreaterThanOrEqual(8);
  for (const box of await boxes.all()) await expect(box).toBeChecked();
  if (events) {
    for (const box of await boxes.all()) await box.uncheck();
    for (const e of events) await group.getByRole("checkbox", { name: e, exact: true }).check();
  }
  await dialog.getByRole("button", { name: "Save webhook" }).click();
  return dialog;
}

/** Reads the signing secret shown once in `scope`, copies it with the button, and checks the clipboard. */
async function copySigningSecret(page: Page, scope: Locator): Promise<string> {
  const field = scope.getByRole("textbox", { name: "Signing secret" });
  await expect(field).toBeVisible();
  await expect(field).toHaveAttribute("readonly", "");
  const secret = await field.inputValue();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  await scope.getByRole("button", { name: "Copy signing secret" }).click();
  await expect(scope.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  return secret;
}

/** Send test, and the request the receiver got from it (a fresh page each time, so no earlier status counts). */
async function sendTest(page: Page, hook: string, path: string): Promise<TGot> {
  await page.goto(WEBHOOKS);
  const before = got.filter((g) => g.path === path).length;
  await page.getByRole("button", { name: `Send test ${hook}` }).click();
  await expect(page.getByRole("table", { name: "Webhooks" }).getByRole("row", { name: new RegExp(hook) }).getByRole("status").filter({ hasText: "Test succeeded" })).toBeVisible({ timeout: 15_000 });
  const mine = got.filter((g) => g.path === path);
  expect(mine).toHaveLength(before + 1);
  return mine.at(-1)!;
}

test("signing secret: shown once and copied, a test verified by the receiver, rotation, redelivery", async ({ asRole, leak }) => {
  const tag = newTag();
  const hook = `Signed hook ${tag}`;
  const path = `/signed-${tag}`;
  const admin = await asRole("admin");
  await admin.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE_URL });

  // Tests only (no events), so other specs' changes do not reach this receiver.
  const dialog = await newWebhook(admin, hook, path, []);
  const first = await leak.shownOnce("signing secret", await copySigningSecret(admin, dialog));
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  secretsFor.set(path, [first]);

  // Never again: not after a reload, not in the edit dialog.
  await admin.reload();
  await expect(admin.getByRole("table", { name: "Webhooks" }).getByRole("row", { name: new RegExp(hook) })).toBeVisible();
  await expect(admin.getByRole("textbox", { name: "Signing secret" })).toHaveCount(0);
  await admin.getByRole("button", { name: `Edit ${hook}` }).click();
  await expect(admin.getByRole("dialog", { name: `Edit ${hook}` }).getByRole("textbox", { name: "Signing secret" })).toHaveCount(0);
  await admin.keyboard.press("Escape");
  expect(await admin.content()).not.toContain(first.slice(6));

  // Send test: the receiver verifies it with the library (it answers 400 otherwise, and the test would fail).
  const test1 = await sendTest(admin, hook, path);
  expect(test1.verdict).toBe("verified");
  expect(test1.headers["x-webhook-event"]).toBe("test");

  // The page tells receivers how to verify.
  const howTo = admin.getByRole("region", { name: "Verifying signatures" });
  await expect(howTo).toContainText('import { Webhook } from "standardwebhooks"');
  await expect(howTo).toContainText("from standardwebhooks.webhooks import Webhook");
  await expect(howTo).toContainText("5 minutes");

  // Rotate: a new secret, shown once; for 24 hours both verify.
  await admin.getByRole("button", { name: `Rotate signing secret ${hook}` }).click();
  const rotated = admin.getByRole("dialog", { name: `New signing secret for ${hook}` });
  const second = await leak.shownOnce("rotated signing secret", await copySigningSecret(admin, rotated));
  expect(second).not.toBe(first);
  await rotated.getByRole("button", { name: "Done" }).click();
  await expect(admin.getByRole("table", { name: "Webhooks" }).getByRole("row", { name: new RegExp(hook) })).toContainText("Also signed with the previous secret until");
  secretsFor.set(path, [second]);
  const test2 = await sendTest(admin, hook, path);
  expect(test2.verdict).toBe("verified");
  expect(test2.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
  expect(() => new Webhook(first).verify(test2.raw, test2.headers)).not.toThrow();

  // Redeliver the first test: same webhook-id, new signature; the receiver, which accepted that id, refuses
  // the replay (and says so with a 400), which the log shows as an HTTP error.
  const deliveries = admin.getByRole("table", { name: "Deliveries" });
  const firstRow = deliveries.getByRole("row").filter({ hasText: hook }).last();
  await firstRow.getByRole("button", { name: "Redeliver" }).click();
  await expect(firstRow.getByRole("status").filter({ hasText: /Redelivery (failed|succeeded)/ })).toBeVisible({ timeout: 15_000 });
  const redelivered = got.filter((g) => g.path === path).at(-1)!;
  expect(redelivered.headers["webhook-id"]).toBe(test1.headers["webhook-id"]);
  expect(redelivered.headers["webhook-signature"]).not.toBe(test1.headers["webhook-signature"]);
  expect(redelivered.verdict).toBe("replayed");
  await expect(deliveries.getByRole("row").filter({ hasText: hook }).first()).toContainText("redelivery 1");

  // An Editor sees no signing secret controls and no Redeliver.
  const editor = await asRole("editor");
  await editor.goto(WEBHOOKS);
  await expect(editor.getByRole("table", { name: "Webhooks" }).getByRole("row", { name: new RegExp(hook) })).toBeVisible();
  await expect(editor.getByRole("button", { name: `Rotate signing secret ${hook}` })).toHaveCount(0);
  await expect(editor.getByRole("button", { name: "Redeliver" })).toHaveCount(0);
  // The leak fixture checks that each secret reached exactly one response (the one that showed it).
});

test('subscriptions: a webhook on "Secret rotated" only gets rotations, not a member change', async ({ browser, asRole, leak }) => {
  // Two webhooks, an invitation, a sign-up and a rotation, then the worker's deliveries behind every other
  // spec's queued events: 28 s alone, and the polls ran out at 20 s in a CI rehearsal on loaded cores.
  test.slow();
  const tag = newTag();
  const onlyRotated = `Rotations hook ${tag}`;
  const everything = `All events hook ${tag}`;
  const owner = await asRole("owner");
  const d1 = await newWebhook(owner, onlyRotated, `/rotated-${tag}`, ["Secret rotated"]);
  secretsFor.set(`/rotated-${tag}`, [await leak.shownOnce("rotations hook secret", await d1.getByRole("textbox", { name: "Signing secret" }).inputValue())]);
  await d1.getByRole("button", { name: "Done" }).click();
  await expect(d1).toBeHidden();
  const d2 = await newWebhook(owner, everything, `/all-${tag}`);
  secretsFor.set(`/all-${tag}`, [await leak.shownOnce("all events hook secret", await d2.getByRole("textbox", { name: "Signing secret" }).inputValue())]);
  await d2.getByRole("button", { name: "Done" }).click();
  await expect(d2).toBeHidden();
  await expect(owner.getByRole("table", { name: "Webhooks" }).getByRole("row", { name: new RegExp(onlyRotated) })).toContainText("Secret rotated");

  // A member change: someone new joins through an invitation.
  const email = `joiner-${tag.toLowerCase()}@example.com`;
  await owner.goto(`/teams/${TEAM}/settings/members`);
  await owner.getByRole("button", { name: "Invite member" }).click();
  const invite = owner.getByRole("dialog", { name: "Invite member" });
  await invite.getByLabel("Email").fill(email);
  await invite.getByLabel("Role").selectOption("editor");
  await invite.getByRole("button", { name: "Create invitation" }).click();
  const link = new URL(await invite.getByRole("textbox", { name: "Invitation link" }).inputValue()).pathname;
  await invite.getByRole("button", { name: "Done" }).click();
  const context = await browser.newContext({ baseURL: BASE_URL });
  leak.attach(context);
  const joiner = await context.newPage();
  await joiner.goto(link);
  await joiner.getByRole("link", { name: "Create account" }).click();
  await joiner.getByLabel("Name").fill(`Joiner ${tag}`);
  await joiner.getByLabel("Email").fill(email);
  await joiner.getByLabel("Password").fill(leak.value("joiner password"));
  await joiner.getByRole("button", { name: "Create account" }).click();
  await joiner.getByRole("button", { name: "Accept invitation" }).click();
  await expect(joiner.getByRole("heading", { name: "Team secrets" })).toBeVisible();
  await context.close();

  // Then a rotation.
  const name = `SUBS_${tag}`;
  const secrets = await SecretsPage.open(owner, leak, name);
  await secrets.add({ name, value: leak.value("subscription value"), visibility: "Masked" });
  await secrets.rotate(name, leak.value("subscription rotated"));

  const events = (path: string) => got.filter((g) => g.path === path).map((g) => ({ event: g.headers["x-webhook-event"], body: g.raw.toString("utf8"), verdict: g.verdict }));
  // The worker sends within a few polls; the all-events hook proves the member change was sent at all.
  await expect.poll(() => events(`/all-${tag}`).some((e) => e.event === "member.joined" && e.body.includes(email)), { timeout: 45_000 }).toBe(true);
  await expect.poll(() => events(`/rotated-${tag}`).some((e) => e.event === "secret.rotated" && e.body.includes(name)), { timeout: 45_000 }).toBe(true);
  expect(events(`/rotated-${tag}`).every((e) => e.event === "secret.rotated")).toBe(true);
  expect([...events(`/rotated-${tag}`), ...events(`/all-${tag}`)].every((e) => e.verdict === "verified")).toBe(true);

  // Clean up: these two would otherwise get every later spec's events after this receiver is gone.
  await owner.goto(WEBHOOKS);
  for (const h of [onlyRotated, everything]) {
    await owner.getByRole("button", { name: `Delete ${h}` }).click();
    await owner.getByRole("alertdialog", { name: `Delete ${h}?` }).getByRole("button", { name: "Delete" }).click();
    await expect(owner.getByRole("table", { name: "Webhooks" }).getByRole("row", { name: new RegExp(h) })).toHaveCount(0);
  }
});
