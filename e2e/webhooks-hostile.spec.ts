// Issue 9 item 1 in the browser: a hostile receiver on 127.0.0.1 (admitted by WEBHOOK_ALLOWED_HOSTS, as in
// webhooks.spec.ts) echoes every header it gets back in every encoding it can (PHP `\/`, `\uXXXX`, HTML
// entities, hex, upper case, reversed, base64, URL). An Admin's webhook carries a Restricted secret, an
// Editor's a Masked one. The Editor's Webhooks page offers no Send test for the Admin's webhook and says why,
// lists none of its deliveries, and shows its own delivery as the template with the response withheld; no
// form of either value reaches the Editor's page (the leak fixture checks every response and the server log
// for the raw values too).
import type { Locator, Page } from "@playwright/test";
import { hostileForms } from "../tests/support/hostile-forms";
import { startReceiver, type TReceiver } from "../tests/support/receiver";
import { expect, test } from "./fixtures";
import { TEAM } from "./support/env";
import { newTag, SecretsPage } from "./support/secrets-page";

const WEBHOOKS = `/teams/${TEAM}/settings/webhooks`;

let receiver: TReceiver;

test.beforeAll(async () => {
  receiver = await startReceiver();
  receiver.respond((req, res) => {
    const echoed = Object.fromEntries(
      Object.entries(req.headers)
        .filter(([name]) => name.startsWith("x-"))
        .map(([name, v]) => [name, hostileForms(String(v))]),
    );
    res.setHeader("content-type", "text/html");
    res.setHeader("x-echo", Buffer.from(JSON.stringify(req.headers)).toString("base64"));
    res.end(`<pre>${JSON.stringify({ echoed, body: hostileForms(req.body), url: req.url })}</pre>`);
  });
});
test.afterAll(() => receiver.close());

async function newWebhook(page: Page, opts: { hook: string; secret: string; header: string }): Promise<Locator> {
  await page.goto(WEBHOOKS);
  await page.getByRole("button", { name: "New webhook" }).click();
  const dialog = page.getByRole("dialog", { name: "New webhook" });
  await expect(dialog).toBeVisible();
  for (const box of await dialog.getByRole("group", { name: "Events" }).getByRole("checkbox").all()) await box.uncheck();
  await dialog.getByRole("combobox", { name: "Secrets" }).fill(opts.secret.toLowerCase());
  await dialog.getByRole("option", { name: opts.secret, exact: true }).click();
  await dialog.getByLabel("Name", { exact: true }).fill(opts.hook);
  await dialog.getByLabel("URL").fill(`http://127.0.0.1:${receiver.port}/hostile?k=\${${opts.secret}}`);
  await dialog.getByRole("button", { name: "Add header" }).click();
  await dialog.getByLabel("Header name").fill(opts.header);
  await dialog.getByLabel("Header value").fill(`\${${opts.secret}}`);
  await dialog.getByLabel("Payload").fill(`{"v":"\${${opts.secret}}"}`);
  await dialog.getByRole("button", { name: "Save webhook" }).click();
  return dialog;
}

async function sendTest(page: Page, hook: string) {
  const before = receiver.requests.length;
  await page.getByRole("button", { name: `Send test ${hook}` }).click();
  await expect(page.getByRole("status").filter({ hasText: "Test succeeded" })).toBeVisible({ timeout: 15_000 });
  expect(receiver.requests.length).toBeGreaterThan(before);
}

function expectNoForm(text: string, value: string) {
  const lower = text.toLowerCase();
  for (const [name, form] of Object.entries(hostileForms(value))) {
    expect(lower.includes(form.toLowerCase()), `the ${name} form of a value is on the Editor's page`).toBe(false);
  }
}

test("an Editor's Deliveries with a hostile receiver: nothing echoed is shown, and an Admin's Restricted webhook is not theirs to test or read", async ({ asRole, leak }) => {
  // A slash, a quote-free space and a non-ASCII letter make every encoding differ from the raw value.
  const restrictedValue = `${leak.value("hostile restricted")}/é x`;
  const maskedValue = `${leak.value("hostile masked")}/é y`;
  leak.register("hostile restricted, full", restrictedValue);
  leak.register("hostile masked, full", maskedValue);
  const tag = newTag();
  const restricted = `WH_HOSTILE_R_${tag}`;
  const masked = `WH_HOSTILE_M_${tag}`;
  const adminHook = `Hostile admin hook ${tag}`;
  const editorHook = `Hostile editor hook ${tag}`;

  const admin = await asRole("admin");
  const secrets = await SecretsPage.open(admin, leak, tag);
  await secrets.add({ name: restricted, value: restrictedValue, visibility: "Restricted" });
  await secrets.add({ name: masked, value: maskedValue, visibility: "Masked" });
  const dialog = await newWebhook(admin, { hook: adminHook, secret: restricted, header: "X-Restricted" });
  await leak.shownOnce("signing secret", await dialog.getByRole("textbox", { name: "Signing secret" }).inputValue());
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  await sendTest(admin, adminHook);
  // The Admin sees the attempt: template, status, and the response withheld.
  const adminRow = admin.getByRole("table", { name: "Deliveries" }).getByRole("row").filter({ hasText: adminHook }).first();
  await adminRow.getByText("Details").click();
  await expect(adminRow).toContainText(`X-Restricted: \${${restricted}}`);
  await expect(adminRow).toContainText("Response withheld: this delivery carried secrets.");
  expectNoForm(await admin.content(), restrictedValue);

  const editor = await asRole("editor");
  const own = await newWebhook(editor, { hook: editorHook, secret: masked, header: "X-Masked" });
  await expect(own).toBeHidden();
  await sendTest(editor, editorHook);

  // The Admin's webhook: no Send test, and the page says why.
  const webhooksTable = editor.getByRole("table", { name: "Webhooks" });
  const adminHookRow = webhooksTable.getByRole("row", { name: new RegExp(adminHook) });
  await expect(adminHookRow).toBeVisible();
  await expect(adminHookRow.getByRole("button", { name: `Send test ${adminHook}` })).toHaveCount(0);
  await expect(adminHookRow).toContainText("Carries a Restricted secret: only Owners and Admins can test it or see its deliveries.");

  // Deliveries: none of the Admin's webhook (a notice names it); the Editor's own shows the template only.
  const deliveries = editor.getByRole("table", { name: "Deliveries" });
  await expect(deliveries.getByRole("row").filter({ hasText: adminHook })).toHaveCount(0);
  await expect(editor.getByRole("note").filter({ hasText: `Deliveries of` }).filter({ hasText: adminHook })).toBeVisible();
  const row = deliveries.getByRole("row").filter({ hasText: editorHook }).first();
  await row.getByText("Details").click();
  await expect(row).toContainText(`X-Masked: \${${masked}}`);
  await expect(row).toContainText(`/hostile?k=\${${masked}}`);
  await expect(row).toContainText(`{"v":"\${${masked}}"}`);
  await expect(row).toContainText("Response withheld: this delivery carried secrets.");
  await expect(row).toContainText("x-echo");

  const html = await editor.content();
  expectNoForm(html, maskedValue);
  expectNoForm(html, restrictedValue);
});
