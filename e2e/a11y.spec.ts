// The accessibility and phone-layout gate (issue 10): axe-core scans every settings page and every dialog,
// signed in as Owner and as Editor, at 1280 px and 390 px (and once in dark mode); 0 serious / critical
// violations. At 390 px no page (and no open dialog) scrolls sideways. One test per role × viewport, each
// walking all pages, so the scans share page loads and run two at a time.
import AxeBuilder from "@axe-core/playwright";
import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { TEAM, type TRole } from "./support/env";

type TFinding = { where: string; id: string; impact: string; help: string; count: number; nodes: string[] };

const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

async function scan(page: Page, where: string, findings: TFinding[], include?: string): Promise<void> {
  let builder = new AxeBuilder({ page }).withTags(WCAG);
  if (include) builder = builder.include(include);
  const { violations } = await builder.analyze();
  for (const v of violations) {
    if (v.impact !== "serious" && v.impact !== "critical") continue;
    findings.push({ where, id: v.id, impact: v.impact, help: v.help, count: v.nodes.length, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) });
  }
}

async function noSideScroll(page: Page, where: string, overflow: string[]): Promise<void> {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  if (w > 390) overflow.push(`${where}: scrollWidth ${w}`);
}

type TDialogOpener = { name: string; open: (page: Page) => Promise<Locator> };

const dialog = (page: Page, name: string | RegExp) => page.getByRole("dialog", { name });
const alertDialog = (page: Page, name: string | RegExp) => page.getByRole("alertdialog", { name });

async function clickAndGet(page: Page, button: Locator, target: Locator): Promise<Locator> {
  await button.first().click();
  await expect(target).toBeVisible();
  return target;
}

/** Pages of the team settings, each with the dialogs its role can open there. */
function pagesFor(role: TRole): { path: string; heading: string; dialogs: TDialogOpener[] }[] {
  const manager = role === "owner" || role === "admin";
  // History is every member's; its table loads after the dialog opens, so the scan waits for it.
  const history: TDialogOpener = {
    name: "History",
    open: async (p) => {
      const d = await clickAndGet(p, p.getByRole("button", { name: "History STRIPE_API_KEY", exact: true }), dialog(p, "History of STRIPE_API_KEY"));
      await expect(d.getByRole("table")).toBeVisible();
      return d;
    },
  };
  const secrets: TDialogOpener[] = manager
    ? [
        history,
        { name: "New secret", open: (p) => clickAndGet(p, p.getByRole("button", { name: "New secret" }), dialog(p, "New secret")) },
        { name: "Import secrets", open: (p) => clickAndGet(p, p.getByRole("button", { name: "Import" }), dialog(p, "Import secrets")) },
        { name: "Rotate", open: (p) => clickAndGet(p, p.getByRole("button", { name: "Rotate STRIPE_API_KEY", exact: true }), dialog(p, "Rotate STRIPE_API_KEY")) },
        { name: "Delete", open: (p) => clickAndGet(p, p.getByRole("button", { name: "Delete STRIPE_API_KEY", exact: true }), alertDialog(p, /^Delete STRIPE_API_KEY/)) },
        { name: "Edit details", open: (p) => clickAndGet(p, p.getByRole("button", { name: "Edit STRIPE_API_KEY", exact: true }), dialog(p, "Edit STRIPE_API_KEY")) },
      ]
    : [history];
  // Check value: every role may check a Masked secret (STRIPE_API_KEY is one).
  secrets.push({ name: "Check", open: (p) => clickAndGet(p, p.getByRole("button", { name: "Check STRIPE_API_KEY", exact: true }), dialog(p, "Check STRIPE_API_KEY")) });
  const webhooks: TDialogOpener[] = [
    { name: "New webhook", open: (p) => clickAndGet(p, p.getByRole("button", { name: "New webhook" }), dialog(p, "New webhook")) },
    ...(manager
      ? [{ name: "Allowed hosts", open: (p: Page) => clickAndGet(p, p.getByRole("button", { name: "Allowed hosts" }), dialog(p, "Allowed hosts")) }]
      : []),
  ];
  const members: TDialogOpener[] = manager
    ? [{ name: "Invite member", open: (p) => clickAndGet(p, p.getByRole("button", { name: "Invite member" }), dialog(p, "Invite member")) }]
    : [{ name: "Leave team", open: (p) => clickAndGet(p, p.getByRole("button", { name: "Leave team" }), alertDialog(p, /^Leave /)) }];
  const base = `/teams/${TEAM}/settings`;
  return [
    { path: `${base}/secrets`, heading: "Team secrets", dialogs: secrets },
    { path: `${base}/webhooks`, heading: "Webhooks", dialogs: webhooks },
    { path: `${base}/members`, heading: "Members", dialogs: members },
    { path: `${base}/tokens`, heading: "Access tokens", dialogs: manager ? [{ name: "New token", open: (p) => clickAndGet(p, p.getByRole("button", { name: "New token" }), dialog(p, "New token")) }] : [] },
    ...(manager ? [{ path: `${base}/audit`, heading: "Audit log", dialogs: [] }] : []),
    { path: "/teams/new", heading: "Create a team", dialogs: [] },
  ];
}

const VIEWPORTS = [
  { label: "1280", width: 1280, height: 900 },
  { label: "390", width: 390, height: 844 },
] as const;

for (const role of ["owner", "editor"] as const) {
  for (const vp of VIEWPORTS) {
    test(`axe: every settings page and dialog as ${role} at ${vp.label} px has no serious or critical violation${vp.width === 390 ? ", and nothing scrolls sideways" : ""}`, async ({ asRole }) => {
      test.setTimeout(120_000);
      const page = await asRole(role);
      await page.setViewportSize({ width: vp.width, height: vp.height });
      // The phone pass also runs in dark mode, so both colour schemes are held to the contrast rules.
      const dark = vp.width === 390 && role === "owner";
      if (dark) await page.emulateMedia({ colorScheme: "dark" });
      const findings: TFinding[] = [];
      const overflow: string[] = [];
      for (const p of pagesFor(role)) {
        await page.goto(p.path);
        await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
        await scan(page, p.path, findings);
        if (vp.width === 390) await noSideScroll(page, p.path, overflow);
        for (const d of p.dialogs) {
          const opened = await d.open(page);
          await scan(page, `${p.path} › ${d.name}`, findings, "[role=dialog],[role=alertdialog]");
          if (vp.width === 390) await noSideScroll(page, `${p.path} › ${d.name}`, overflow);
          await page.keyboard.press("Escape");
          await expect(opened).toBeHidden();
        }
      }
      const report = findings.map((f) => `${f.where}: [${f.impact}] ${f.id} ×${f.count} — ${f.help} (${f.nodes.join(", ")})`).join("\n");
      console.log(`axe ${role} ${vp.label}${dark ? " dark" : ""}: ${findings.reduce((n, f) => n + f.count, 0)} serious/critical nodes${report ? `\n${report}` : ""}`);
      if (overflow.length) console.log(`overflow ${role} ${vp.label}:\n${overflow.join("\n")}`);
      expect({ findings, overflow }, `${report}\n${overflow.join("\n")}`).toEqual({ findings: [], overflow: [] });
    });
  }
}
