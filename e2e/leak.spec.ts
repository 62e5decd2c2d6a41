// A tour of every page and endpoint that shows secrets metadata, as an Admin and as an Editor, after values
// were typed, uploaded, rotated, refused and checked against (Check value's candidates). The leak recorder
// (e2e/fixtures) checks every response of this and every other test; this test makes sure the kinds of
// response it must cover were really recorded.
import { expect, test } from "./fixtures";
import { openForNewTag, secretField, SecretsPage } from "./support/secrets-page";

test("values typed into the app never come back: pages, RSC, server actions, JSON, redirects, server log", async ({ asRole, leak }) => {
  // The tour opens every settings page as three roles: about 30 s on a quiet machine, so the default 30 s
  // budget of one test is too tight for it on a loaded one.
  test.setTimeout(120_000);
  const adminPage = await asRole("admin");
  const { tag, secrets: admin } = await openForNewTag(adminPage, leak);

  await admin.add({ name: `LEAK_TYPED_${tag}`, value: leak.value("leak typed"), visibility: "Masked" });
  await admin.add({ name: `LEAK_RESTRICTED_${tag}`, value: leak.value("leak restricted"), visibility: "Restricted" });
  await admin.add({
    name: `LEAK_JSON_${tag}`,
    file: { name: "creds.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify({ token: leak.value("leak json") })) },
  });
  const rotatedValue = leak.value("leak rotated");
  await admin.rotate(`LEAK_TYPED_${tag}`, rotatedValue);
  await expect(admin.row(`LEAK_TYPED_${tag}`)).toContainText("v2");

  // Check value: a wrong candidate and the right one (the rotated value); neither may come back.
  await adminPage.getByRole("button", { name: `Check LEAK_TYPED_${tag}`, exact: true }).click();
  const check = adminPage.getByRole("dialog", { name: `Check LEAK_TYPED_${tag}`, exact: true });
  await check.getByLabel("Candidate value").fill(leak.value("leak check candidate"));
  await check.getByRole("button", { name: "Check", exact: true }).click();
  await expect(check.getByRole("status")).toHaveText("Does not match");
  await check.getByLabel("Candidate value").fill(rotatedValue);
  await check.getByRole("button", { name: "Check", exact: true }).click();
  await expect(check.getByRole("status")).toHaveText("Matches the current value (version 2)");
  await check.getByRole("button", { name: "Close" }).click();

  // Refused inputs must not be echoed either (the duplicate name's value, an empty-after-trim value).
  const dialog = await admin.openNewSecret();
  await dialog.getByLabel("Name", { exact: true }).fill(`leak_typed_${tag.toLowerCase()}`);
  await secretField(dialog).fill(leak.value("leak refused duplicate"));
  await dialog.getByRole("button", { name: "Add secret" }).click();
  await expect(dialog.getByRole("alert")).toHaveText(/already exists/i);
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // Every view of the team after the writes: server-rendered page, client navigation (RSC), JSON.
  await adminPage.reload();
  await expect(admin.row(`LEAK_JSON_${tag}`)).toBeVisible();
  // A stop the tour cannot make fails the test: a leak check of pages that were never opened proves nothing.
  for (const [tab, segment] of [["Members", "members"], ["Audit log", "audit"], ["Secrets", "secrets"]] as const) {
    const link = adminPage.getByRole("navigation", { name: "Team settings" }).getByRole("link", { name: tab });
    await expect(link, `the Admin's settings navigation offers ${tab}`).toBeVisible();
    await link.click();
    await expect(adminPage).toHaveURL(new RegExp(`/teams/acme/settings/${segment}(\\?|$)`));
    await adminPage.waitForLoadState("networkidle");
  }
  await admin.apiList(tag);
  for (const path of ["/teams/acme/settings/audit", "/teams/acme/settings/members", "/teams"]) {
    const res = await adminPage.goto(path);
    expect(res?.status(), `${path} opens for the Admin`).toBe(200);
  }
  // A download: fetched with the page's cookies (a browser navigation to it aborts as "download started").
  const exported = await leak.recordApi(await adminPage.request.get("/api/teams/acme/audit/export?format=json"));
  expect(exported.status(), "the audit export opens for the Admin").toBe(200);

  const editorPage = await asRole("editor");
  const editor = await SecretsPage.open(editorPage, leak, tag);
  await expect(editor.row(`LEAK_RESTRICTED_${tag}`)).toContainText("Restricted");
  await editor.apiList(tag);
  expect((await editorPage.goto("/teams/acme/settings/members"))?.status(), "Members opens for the Editor").toBe(200);
  // A redirect: the signed-in editor asking for the sign-in page.
  await editorPage.goto("/sign-in");
  await expect(editorPage.getByRole("heading", { name: "Team secrets" })).toBeVisible();

  await leak.flush();
  const kinds = leak.kinds();
  for (const kind of ["html", "rsc", "server-action", "json", "redirect"] as const) {
    expect([...kinds], `recorded at least one ${kind} response`).toContain(kind);
  }
});
