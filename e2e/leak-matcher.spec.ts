// Self-test of the leak check: the matcher finds a value in every form it could take in a response, stays
// quiet on unrelated text, and the recorder really sees browser responses. Nothing here leaks from the app:
// the planted bodies are served by Playwright itself (route.fulfill) into a recorder of their own.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "./fixtures";
import { BASE_URL } from "./support/env";
import { findLeaks, needlesFor } from "./support/leak-matcher";
import { LeakRecorder, LeakStore } from "./support/leak-recorder";

const value = 'line one "quoted" & <b>\nline_two_Zq81xVb3TkP0wLr';
const values = [{ label: "planted", value }];

test.describe("leak matcher", () => {
  const forms: [string, string][] = [
    ["HTML", `<html><body><pre>${value}</pre></body></html>`],
    ["HTML-escaped HTML", `<p>${value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")}</p>`],
    ["an RSC payload", `0:{"a":"$@1","f":"","b":"x"}\n1:${JSON.stringify({ ok: false, echo: value })}\n`],
    ["a JSON body", JSON.stringify({ items: [{ note: value }] })],
    ["a redirect's Location header", `HTTP 307\nlocation: /done?v=${encodeURIComponent(value)}\n\n`],
    ["a form-encoded body", `a=1&v=${new URLSearchParams({ v: value }).toString().slice(2)}`],
    ["a base64 blob", `data:text/plain;base64,${Buffer.from(value).toString("base64")}`],
    ["a server log line", `[createSecret] unexpected error: DrizzleQueryError | params: ${value}\n`],
  ];
  for (const [where, body] of forms) {
    test(`finds the value in ${where}`, () => {
      const found = findLeaks(values, [{ where, body: Buffer.from(body) }]);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ label: "planted", where });
    });
  }

  test("finds the start or end of a long value that was cut short", () => {
    const long = `Long_${"k".repeat(10)}_${"abc123".repeat(40)}_tail_Yh72QmZ`;
    expect(findLeaks([{ label: "long", value: long }], [{ where: "truncated", body: `${long.slice(0, 40)}…` }])).toHaveLength(1);
    expect(findLeaks([{ label: "long", value: long }], [{ where: "tail", body: `…${long.slice(-40)}` }])).toHaveLength(1);
  });

  test("stays quiet when the value is absent, and never reports the value itself", () => {
    const body = "0:{\"ok\":true,\"data\":{\"name\":\"line_two\",\"version\":1}}\nline one\nline_two_Zq81xVb3TkP0wL";
    expect(findLeaks(values, [{ where: "clean", body }])).toEqual([]);
    const found = findLeaks(values, [{ where: "dirty", body: value }]);
    expect(JSON.stringify(found)).not.toContain("Zq81xVb3TkP0wLr");
    expect(needlesFor(value).every((n) => n.needle.length >= 8)).toBe(true);
  });

  test("a shown-once value may appear in exactly one server-action response of its own test, nowhere else", () => {
    const once = [{ label: "signing secret", value: "whsec_Zq81xVb3TkP0wLrAbCdEf", shownOnce: true }];
    const action = { where: "POST /x (server-action)", kind: "server-action", body: `0:{"ok":true,"data":{"signingSecret":"${once[0]!.value}"}}` };
    const page = { where: "GET /x (html)", kind: "html", body: `<input value="${once[0]!.value}">` };
    const mine = () => true;
    expect(findLeaks(once, [action, { where: "clean", kind: "rsc", body: "nothing" }], mine)).toEqual([]);
    expect(findLeaks(once, [action, page], mine).map((f) => f.where)).toEqual(["GET /x (html)"]);
    expect(findLeaks(once, [action, { ...action, where: "POST /y (server-action)" }], mine)).toEqual([
      { label: "signing secret", where: "POST /y (server-action)", form: "raw, shown again" },
    ]);
    expect(findLeaks(once, [action, { where: "server log", body: `rotated ${once[0]!.value}` }], mine).map((f) => f.where)).toEqual(["server log"]);
    expect(findLeaks(once, [], mine)).toEqual([{ label: "signing secret", where: "no server-action response", form: "never shown, expected in exactly one response" }]);
    // Another test's shown-once value is an ordinary value here: any appearance is a leak.
    expect(findLeaks(once, [action], () => false).map((f) => f.where)).toEqual(["POST /x (server-action)"]);
  });

  test("refuses values too short to be distinctive", ({ leak }) => {
    expect(() => leak.register("short", "hunter2")).toThrow(/at least 16/);
  });
});

test("the recorder sees browser responses, their bodies and their headers", async ({ browser }) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "leak-self-test-"));
  try {
    const recorder = new LeakRecorder(new LeakStore(0, dir), "self-test");
    const planted = recorder.value("planted");
    const context = await browser.newContext({ baseURL: BASE_URL });
    recorder.attach(context);
    const page = await context.newPage();
    // Served by Playwright, never by the app.
    // Served by Playwright, never by the app.
    await page.route("**/planted/**", async (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === "/planted/header") {
        await route.fulfill({ contentType: "text/plain", headers: { "x-echo": planted }, body: "nothing in the body" });
      } else if (url.pathname === "/planted/page") {
        await route.fulfill({ contentType: "text/html", body: `<html><body>ok ${planted}</body></html>` });
      } else {
        await route.fulfill({ contentType: "application/json", body: JSON.stringify({ value: planted }) });
      }
    });
    await page.goto("/planted/page");
    await page.evaluate(async () => {
      await fetch("/planted/data").then((r) => r.text());
      await fetch("/planted/header").then((r) => r.text());
    });
    await recorder.flush();
    await context.close();

    const findings = recorder.check();
    const where = findings.map((f) => f.where).join("\n");
    expect(where).toMatch(/GET \S+\/planted\/header -> 200 \(other\)/);
    expect(where).toMatch(/GET \S+\/planted\/data -> 200 \(json\)/);
    expect(where).toMatch(/GET \S+\/planted\/page -> 200 \(html\)/);
    expect(findings.every((f) => f.label.startsWith("planted"))).toBe(true);
    expect(recorder.kinds()).toEqual(new Set(["html", "json", "other"]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
