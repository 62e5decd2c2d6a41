import { describe, expect, it } from "vitest";
import { thrownBy } from "@/tests/support/thrown";
import {
  checkWebhookTemplate,
  destinationHost,
  destinationUrl,
  parseTemplate,
  referencesOf,
  RenderError,
  renderPayload,
  renderUrl,
  renderWebhookRequest,
  TemplateSyntaxError,
  type TWebhookTemplate,
} from "./template";

const values = new Map([
  ["TOKEN", 'q"uo\\te\nline \u{1F511} é'],
  ["PLAIN", "abc123"],
  ["NESTED", "${PLAIN}"],
  ["SPACEY", "a b&c=d/e?f"],
]);

const hook = (over: Partial<TWebhookTemplate> = {}): TWebhookTemplate => ({
  url: "https://hooks.example.com/in",
  method: "POST",
  headers: [],
  payload: "",
  ...over,
});

describe("parseTemplate", () => {
  it("splits text and references", () => {
    expect(parseTemplate("a${X}b${Y_1}")).toEqual([
      { kind: "text", text: "a" },
      { kind: "ref", name: "X" },
      { kind: "text", text: "b" },
      { kind: "ref", name: "Y_1" },
    ]);
  });
  it("treats $${...} as a literal ${...} and a lone $ as text", () => {
    expect(parseTemplate("$${X} costs $5 ${Y}")).toEqual([
      { kind: "text", text: "${X} costs $5 " },
      { kind: "ref", name: "Y" },
    ]);
    expect(referencesOf("$${X}")).toEqual([]);
  });
  it.each(["${}", "${1ABC}", "${A-B}", "${A", "${ A }", "${a.b}", `\${${"A".repeat(65)}}`])("refuses malformed %s", (src) => {
    expect(() => parseTemplate(src)).toThrow(TemplateSyntaxError);
  });
});

describe("substitution", () => {
  it("JSON-escapes inside strings and keeps the document valid", () => {
    const out = renderPayload('{"k":"pre-${TOKEN}-post","n":1}', values);
    expect(JSON.parse(out)).toEqual({ k: `pre-${values.get("TOKEN")}-post`, n: 1 });
  });
  it("makes a reference outside a string a whole JSON string", () => {
    expect(JSON.parse(renderPayload('{"k":${TOKEN}}', values))).toEqual({ k: values.get("TOKEN") });
  });
  it("tracks escaped quotes in the literal text", () => {
    const out = renderPayload('{"a":"x\\"y","b":${PLAIN},"c":"${PLAIN}"}', values);
    expect(JSON.parse(out)).toEqual({ a: 'x"y', b: "abc123", c: "abc123" });
  });
  it("does not expand a value that looks like a reference", () => {
    expect(JSON.parse(renderPayload('{"a":"${NESTED}"}', values))).toEqual({ a: "${PLAIN}" });
  });
  it("URL-encodes query values and keeps literal escapes", () => {
    expect(renderUrl("https://h.example/p?a=${SPACEY}&b=$${LIT}#f", values)).toBe(
      "https://h.example/p?a=a%20b%26c%3Dd%2Fe%3Ff&b=${LIT}#f",
    );
  });
  it("refuses a header value whose resolved secret holds a line break, naming the secret only", () => {
    const t = hook({ headers: [{ name: "Authorization", value: "Bearer ${TOKEN}" }] });
    const err = thrownBy(() => renderWebhookRequest(t, values));
    expect(err).toBeInstanceOf(RenderError);
    expect(err.message).toContain("TOKEN");
    expect(err.message).not.toContain("uo");
  });
  it("refuses a header value whose resolved secret holds characters HTTP cannot carry", () => {
    const t = hook({ headers: [{ name: "X-Emoji", value: "${TOKEN}" }] });
    expect(() => renderWebhookRequest(t, new Map([["TOKEN", "key \u{1F511}"]]))).toThrow(/TOKEN contains characters/);
    expect(renderWebhookRequest(t, new Map([["TOKEN", "caf\u00e9\tx"]])).headers[0]?.value).toBe("caf\u00e9\tx");
  });
  it("substitutes header values raw", () => {
    const r = renderWebhookRequest(hook({ headers: [{ name: "X-Key", value: "k=${PLAIN};$${X}" }] }), values);
    expect(r.headers).toEqual([{ name: "X-Key", value: "k=abc123;${X}" }]);
  });
});

describe("checkWebhookTemplate", () => {
  const known = ["PLAIN", "TOKEN", "OTHER"];
  const selected = ["PLAIN", "TOKEN"];

  it("accepts references to selected secrets everywhere they are allowed", () => {
    const r = checkWebhookTemplate(
      hook({
        url: "https://h.example/p?k=${PLAIN}",
        headers: [{ name: "X-A", value: "${TOKEN}" }],
        payload: '{"a":"${PLAIN}","b":${TOKEN}}',
      }),
      selected,
      known,
    );
    expect(r.fieldErrors).toEqual({});
    expect(r.referenced.sort()).toEqual(["PLAIN", "TOKEN"]);
  });
  it("refuses an unknown reference with field and name", () => {
    const r = checkWebhookTemplate(hook({ payload: '{"a":"${NOPE}"}' }), selected, known);
    expect(r.fieldErrors.payload?.[0]).toMatch(/^Payload: \$\{NOPE\} is not a secret of this team/);
  });
  it("refuses a known but unselected reference", () => {
    const r = checkWebhookTemplate(hook({ headers: [{ name: "X-Other", value: "${OTHER}" }] }), selected, known);
    expect(r.fieldErrors["headers.0.value"]?.[0]).toMatch(/^Header X-Other: \$\{OTHER\} is not selected/);
  });
  it("refuses a malformed reference with the field", () => {
    const r = checkWebhookTemplate(hook({ url: "https://h.example/?a=${bad-name}" }), selected, known);
    expect(r.fieldErrors.url?.[0]).toMatch(/^URL: malformed reference "\$\{bad-name\}"/);
  });
  it("refuses references outside the URL's query string", () => {
    const r = checkWebhookTemplate(hook({ url: "https://${PLAIN}.example/x" }), selected, known);
    expect(r.fieldErrors.url?.[0]).toContain("only in the query string");
    const f = checkWebhookTemplate(hook({ url: "https://h.example/x?a=1#${PLAIN}" }), selected, known);
    expect(f.fieldErrors.url?.[0]).toContain("only in the query string");
  });
  it("refuses a payload that is not JSON and line breaks in header templates", () => {
    expect(checkWebhookTemplate(hook({ payload: '{"a": ${PLAIN' }), selected, known).fieldErrors.payload).toBeDefined();
    expect(checkWebhookTemplate(hook({ payload: "{a:1}" }), selected, known).fieldErrors.payload?.[0]).toContain("not valid JSON");
    expect(
      checkWebhookTemplate(hook({ headers: [{ name: "X", value: "a\r\nInjected: 1" }] }), selected, known).fieldErrors["headers.0.value"],
    ).toBeDefined();
  });
  it("accepts an escaped literal even when it names no secret", () => {
    expect(checkWebhookTemplate(hook({ payload: '{"tpl":"$${NOT_A_SECRET}"}' }), [], known).fieldErrors).toEqual({});
  });
});

describe("destinationUrl / destinationHost", () => {
  it("say where a webhook goes without any value: references (query only) become a placeholder", () => {
    expect(destinationUrl("https://hooks.example.com:8443/p?k=${API_KEY}&x=1#f")).toBe("https://hooks.example.com:8443/p?k=x&x=1#f");
    expect(destinationHost("https://hooks.example.com:8443/p?k=${API_KEY}")).toBe("hooks.example.com");
    expect(() => destinationHost("not a url")).toThrow();
  });
});
