// The encodings a hostile webhook receiver might echo a value back in (issue 9 item 1): the delivery log
// must hold none of them. Shared by the integration test and the e2e spec.
/** Every encoding of `v` a hostile receiver might echo; none of them may reach the delivery log. */
export function hostileForms(v: string): Record<string, string> {
  const bytes = Buffer.from(v, "utf8");
  const u = [...v].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
  return {
    raw: v,
    php: JSON.stringify(v).slice(1, -1).replace(/\//g, "\\/"),
    unicodeEscapes: u,
    unicodeEscapesUpper: u.toUpperCase().replace(/\\U/g, "\\u"),
    htmlDecimal: [...v].map((c) => `&#${c.codePointAt(0)};`).join(""),
    htmlHex: [...v].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join(""),
    hex: bytes.toString("hex"),
    hexUpper: bytes.toString("hex").toUpperCase(),
    upper: v.toUpperCase(),
    lower: v.toLowerCase(),
    reversed: [...v].reverse().join(""),
    base64: bytes.toString("base64"),
    base64url: bytes.toString("base64url"),
    url: encodeURIComponent(v),
    urlEveryByte: [...bytes].map((b) => `%${b.toString(16).padStart(2, "0").toUpperCase()}`).join(""),
    // A recognisable part of it: enough to give a value away.
    prefix: v.slice(0, 12),
  };
}
