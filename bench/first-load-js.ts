// First-load JavaScript of a page as a browser receives it: Debian's Chromium opens the page once (cold cache,
// signed in by cookie) and sums the resource-timing `encodedBodySize` of every script loaded until the page is
// idle — the bytes over the wire, after `next start`'s gzip (kB = 1000 bytes). Listed per file so a regression names its chunk.
import { chromium } from "@playwright/test";

export type TFirstLoad = { totalBytes: number; scripts: { name: string; bytes: number }[] };

export const FIRST_LOAD_GOAL_KB = 130;

export async function measureFirstLoadJs(url: string, cookie: { name: string; value: string }): Promise<TFirstLoad> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  try {
    const context = await browser.newContext();
    const u = new URL(url);
    await context.addCookies([{ name: cookie.name, value: cookie.value, domain: u.hostname, path: "/", httpOnly: true, sameSite: "Lax" }]);
    const page = await context.newPage();
    const res = await page.goto(url, { waitUntil: "networkidle" });
    if (!res || res.status() !== 200) throw new Error(`first-load: ${url} answered ${res?.status()}`);
    const scripts = await page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .map((e) => e as PerformanceResourceTiming)
        .filter((e) => e.initiatorType === "script" || /\.js(\?|$)/.test(e.name))
        .map((e) => ({ name: new URL(e.name).pathname, bytes: e.encodedBodySize })),
    );
    scripts.sort((a, b) => b.bytes - a.bytes);
    return { totalBytes: scripts.reduce((n, s) => n + s.bytes, 0), scripts };
  } finally {
    await browser.close();
  }
}

export function formatFirstLoad(label: string, r: TFirstLoad, top = 40): string {
  const kb = (b: number) => (b / 1000).toFixed(1);
  const total = r.totalBytes / 1000;
  const lines = [
    `first-load JS of ${label}: ${total.toFixed(1)} kB over the wire in ${r.scripts.length} scripts ` +
      `(goal <= ${FIRST_LOAD_GOAL_KB} kB: ${total <= FIRST_LOAD_GOAL_KB ? "met" : "NOT MET"})`,
    ...r.scripts.slice(0, top).map((s) => `  ${kb(s.bytes).padStart(7)} kB  ${s.name}`),
  ];
  if (r.scripts.length > top) lines.push(`  ${kb(r.scripts.slice(top).reduce((n, s) => n + s.bytes, 0)).padStart(7)} kB  (${r.scripts.length - top} more)`);
  return lines.join("\n");
}
