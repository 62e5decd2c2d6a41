// Check value (issue 12), driven by accessible names: "Check NAME" per row opens a dialog titled "Check NAME"
// with a "Candidate value" field and a "Check" button; the answer is in its status region. Every candidate
// typed here is registered with the leak recorder, so none may come back in any response or the server log.
import { expect, test } from "./fixtures";
import { openForNewTag, SecretsPage } from "./support/secrets-page";

async function openCheck(s: SecretsPage, name: string) {
  await s.page.getByRole("button", { name: `Check ${name}`, exact: true }).click();
  const dialog = s.page.getByRole("dialog", { name: `Check ${name}`, exact: true });
  await expect(dialog).toBeVisible();
  return dialog;
}

test("an Owner checks candidates: no match, match with its version, and after a rotation", async ({ asRole, leak }) => {
  const { tag, secrets: owner } = await openForNewTag(await asRole("owner"), leak);
  const name = `CHECK_ME_${tag}`;
  const stored = leak.value("check stored");
  await owner.add({ name, value: stored, visibility: "Restricted" });

  const dialog = await openCheck(owner, name);
  const field = dialog.getByLabel("Candidate value");
  await expect(field).toBeFocused();
  const status = dialog.getByRole("status");
  await expect(status).toHaveText("");

  await field.fill(leak.value("check wrong candidate"));
  await dialog.getByRole("button", { name: "Check", exact: true }).click();
  await expect(status).toHaveText("Does not match");

  // Editing the candidate clears the answer about the previous one.
  await field.fill(stored);
  await expect(status).toHaveText("");
  await dialog.getByRole("button", { name: "Check", exact: true }).click();
  await expect(status).toHaveText("Matches the current value (version 1)");

  // An empty candidate is refused in place, announced, and nothing is sent.
  await field.fill("");
  await dialog.getByRole("button", { name: "Check", exact: true }).click();
  await expect(dialog.getByRole("alert")).toHaveText("Enter a candidate value.");
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(status).toHaveText("");

  // Closing forgets the candidate.
  await field.fill(stored);
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();
  const reopened = await openCheck(owner, name);
  await expect(reopened.getByLabel("Candidate value")).toHaveValue("");
  await reopened.getByRole("button", { name: "Close" }).click();

  const rotated = leak.value("check rotated");
  await owner.rotate(name, rotated);
  await expect(owner.row(name)).toContainText("v2");
  const after = await openCheck(owner, name);
  await after.getByLabel("Candidate value").fill(stored);
  await after.getByRole("button", { name: "Check", exact: true }).click();
  await expect(after.getByRole("status")).toHaveText("Does not match");
  await after.getByLabel("Candidate value").fill(rotated);
  await after.getByLabel("Candidate value").press("Control+Enter");
  await expect(after.getByRole("status")).toHaveText("Matches the current value (version 2)");

  // The audit log has both kinds of result, and no candidate.
  await owner.page.goto(`/teams/acme/settings/audit?action=secret.value_checked&target=${name}`);
  const rows = owner.page.getByRole("row").filter({ hasText: name });
  await expect(rows).toHaveCount(4);
  await expect(rows.filter({ hasText: "result: match" })).toHaveCount(2);
  await expect(rows.filter({ hasText: "result: no_match" })).toHaveCount(2);
});

test("an Editor checks Masked secrets only: no Check on a Restricted row", async ({ asRole, leak }) => {
  const { tag, secrets: admin } = await openForNewTag(await asRole("admin"), leak);
  const masked = `CHECK_MASKED_${tag}`;
  const restricted = `CHECK_RESTRICTED_${tag}`;
  const maskedValue = leak.value("check editor masked");
  await admin.add({ name: masked, value: maskedValue, visibility: "Masked" });
  await admin.add({ name: restricted, value: leak.value("check editor restricted"), visibility: "Restricted" });

  const editor = await SecretsPage.open(await asRole("editor"), leak, tag);
  await expect(editor.row(restricted)).toBeVisible();
  await expect(editor.row(restricted).getByRole("button", { name: `Check ${restricted}` })).toHaveCount(0);
  const dialog = await openCheck(editor, masked);
  await dialog.getByLabel("Candidate value").fill(maskedValue);
  await dialog.getByRole("button", { name: "Check", exact: true }).click();
  await expect(dialog.getByRole("status")).toHaveText("Matches the current value (version 1)");
});
