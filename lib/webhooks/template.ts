// `${SECRET_NAME}` references in a webhook's URL query string, header values and JSON payload: parsing,
// the checks made when a webhook is saved, and substitution at send time. Pure (no I/O), shared by the
// DAL and the delivery worker. One pass, left to right: an inserted value is never scanned again, so a
// value that itself contains `${OTHER}` is sent as those characters (no recursive expansion).

export type TTemplatePart = { kind: "text"; text: string } | { kind: "ref"; name: string };
export type THeaderTemplate = { name: string; value: string };
/** Resolved values by secret name (a Map works). */
export type TValues = { get(name: string): string | undefined };
export type TWebhookTemplate = { url: string; method: string; headers: THeaderTemplate[]; payload: string };

const REF_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export class TemplateSyntaxError extends Error {
  constructor(readonly snippet: string) {
    super(`malformed reference ${snippet}`);
    this.name = "TemplateSyntaxError";
  }
}

/** Splits a template into literal text and references. `$${` is a literal `${`; any other `$` is literal. */
export function parseTemplate(src: string): TTemplatePart[] {
  const parts: TTemplatePart[] = [];
  let text = "";
  let i = 0;
  while (i < src.length) {
    if (src.startsWith("$${", i)) {
      text += "${";
      i += 3;
      continue;
    }
    if (src.startsWith("${", i)) {
      const end = src.indexOf("}", i + 2);
      const name = end === -1 ? null : src.slice(i + 2, end);
      if (name === null || !REF_NAME.test(name)) {
        throw new TemplateSyntaxError(quoteSnippet(src.slice(i, end === -1 ? i + 24 : Math.min(end + 1, i + 70))));
      }
      if (text) parts.push({ kind: "text", text });
      text = "";
      parts.push({ kind: "ref", name });
      i = end + 1;
      continue;
    }
    text += src[i];
    i += 1;
  }
  if (text) parts.push({ kind: "text", text });
  return parts;
}

function quoteSnippet(s: string): string {
  return `"${s.replace(/[\r\n]/g, " ")}"`;
}

/** Names referenced by a template (in order of first appearance). Throws TemplateSyntaxError. */
export function referencesOf(src: string): string[] {
  const names: string[] = [];
  for (const p of parseTemplate(src)) if (p.kind === "ref" && !names.includes(p.name)) names.push(p.name);
  return names;
}

// ---- URL: references only in the query string (between `?` and `#`), values URL-encoded.

type TUrlSplit = { base: string; query: string | null; fragment: string };

function splitUrl(url: string): TUrlSplit {
  const hash = url.indexOf("#");
  const beforeHash = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? "" : url.slice(hash);
  const q = beforeHash.indexOf("?");
  return q === -1
    ? { base: beforeHash, query: null, fragment }
    : { base: beforeHash.slice(0, q), query: beforeHash.slice(q + 1), fragment };
}

export function renderUrl(url: string, values: TValues): string {
  const { base, query, fragment } = splitUrl(url);
  const lit = (s: string) => parseTemplate(s).map((p) => (p.kind === "text" ? p.text : "")).join("");
  if (query === null) return lit(base) + lit(fragment);
  const q = parseTemplate(query)
    .map((p) => (p.kind === "text" ? p.text : encodeURIComponent(valueOf(values, p.name))))
    .join("");
  return `${lit(base)}?${q}${lit(fragment)}`;
}

// References are refused outside the query string, so origin and path never depend on a secret: with each
// reference replaced by a placeholder the URL says exactly where a webhook goes, without decrypting anything.
/** The webhook's URL with every reference replaced by a placeholder (for destination checks and audit). */
export function destinationUrl(url: string): string {
  return renderUrl(url, SAMPLE);
}

/** The host name a webhook's URL sends to (no port); throws on a URL that does not parse. */
export function destinationHost(url: string): string {
  return new URL(destinationUrl(url)).hostname;
}

// ---- Headers: values substituted raw; a resolved value holding CR, LF or NUL is refused.

export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RenderError";
  }
}

// What HTTP (and Node) accept in a header value: tab, visible ASCII and space, Latin-1.
const HEADER_SAFE = /^[\t\x20-\x7e\x80-\xff]*$/;

function renderHeaderValue(headerName: string, value: string, values: TValues): string {
  return parseTemplate(value)
    .map((p) => {
      if (p.kind === "text") return p.text;
      const v = valueOf(values, p.name);
      if (/[\r\n\0]/.test(v)) {
        throw new RenderError(`Header ${headerName}: the value of ${p.name} contains a line break, which a header cannot carry.`);
      }
      if (!HEADER_SAFE.test(v)) {
        throw new RenderError(`Header ${headerName}: the value of ${p.name} contains characters a header cannot carry (control or non-Latin-1).`);
      }
      return v;
    })
    .join("");
}

// ---- Payload: JSON-string aware. Inside a JSON string a value is JSON-escaped; outside one it becomes a
// whole JSON string, so a value can never add structure to the document.

export function renderPayload(payload: string, values: TValues): string {
  let inString = false;
  let escaped = false;
  let out = "";
  for (const p of parseTemplate(payload)) {
    if (p.kind === "ref") {
      const json = JSON.stringify(valueOf(values, p.name));
      out += inString ? json.slice(1, -1) : json;
      escaped = false;
      continue;
    }
    for (const ch of p.text) {
      if (escaped) escaped = false;
      else if (inString && ch === "\\") escaped = true;
      else if (ch === '"') inString = !inString;
    }
    out += p.text;
  }
  return out;
}

function valueOf(values: TValues, name: string): string {
  const v = values.get(name);
  if (v === undefined) throw new RenderError(`${name} could not be resolved.`);
  return v;
}

// ---- Checks at save time.

export type TFieldErrors = Record<string, string[]>;

// Stands in for every value when checking that a template renders (e.g. that the payload is JSON).
const SAMPLE: TValues = { get: () => "x" };

function addError(errors: TFieldErrors, field: string, message: string) {
  (errors[field] ??= []).push(message);
}

/**
 * Every reference in the webhook must be well formed, name a secret of the team and be selected for this
 * webhook; URL references only in the query string; payload valid JSON once substituted. Returns field
 * errors (messages name the field and the reference) and the referenced names.
 */
export function checkWebhookTemplate(
  t: TWebhookTemplate,
  selectedNames: readonly string[],
  knownNames: readonly string[],
): { fieldErrors: TFieldErrors; referenced: string[] } {
  const errors: TFieldErrors = {};
  const referenced: string[] = [];
  const selected = new Set(selectedNames);
  const known = new Set(knownNames);
  const knownLower = new Map(knownNames.map((n) => [n.toLowerCase(), n]));

  const checkRefs = (field: string, label: string, src: string): boolean => {
    let names: string[];
    try {
      names = referencesOf(src);
    } catch (err) {
      if (!(err instanceof TemplateSyntaxError)) throw err;
      addError(errors, field, `${label}: ${err.message}. Write \${SECRET_NAME} (letters, digits, _), or $\${...} for a literal \${...}.`);
      return false;
    }
    let ok = true;
    for (const name of names) {
      if (!referenced.includes(name)) referenced.push(name);
      if (!known.has(name)) {
        const other = knownLower.get(name.toLowerCase());
        addError(errors, field, `${label}: \${${name}} is not a secret of this team${other ? ` (did you mean ${other}?)` : ""}.`);
        ok = false;
      } else if (!selected.has(name)) {
        addError(errors, field, `${label}: \${${name}} is not selected for this webhook. Add it under Secrets first.`);
        ok = false;
      }
    }
    return ok;
  };

  const { base, query, fragment } = splitUrl(t.url);
  let urlOk = checkRefs("url", "URL", t.url);
  if (urlOk) {
    const misplaced = [...referencesOf(base), ...referencesOf(fragment)];
    for (const name of misplaced) {
      addError(errors, "url", `URL: \${${name}} may appear only in the query string (after "?").`);
      urlOk = false;
    }
  }
  if (urlOk && query !== null) void renderUrl(t.url, SAMPLE);

  t.headers.forEach((h, i) => {
    const label = `Header ${h.name || i + 1}`;
    if (/[\r\n\0]/.test(h.value)) addError(errors, `headers.${i}.value`, `${label}: a header value cannot contain a line break.`);
    else if (!HEADER_SAFE.test(h.value)) addError(errors, `headers.${i}.value`, `${label}: a header value can hold Latin-1 text only.`);
    else checkRefs(`headers.${i}.value`, label, h.value);
    if (h.name.includes("${")) addError(errors, `headers.${i}.name`, `Header ${i + 1}: references are allowed in header values only.`);
  });

  if (t.payload.trim() && checkRefs("payload", "Payload", t.payload)) {
    try {
      JSON.parse(renderPayload(t.payload, SAMPLE));
    } catch {
      addError(errors, "payload", "Payload: not valid JSON (references count as strings).");
    }
  }
  return { fieldErrors: errors, referenced };
}

/** The request a webhook sends with these resolved values. Throws RenderError (messages name, never value). */
export function renderWebhookRequest(
  t: TWebhookTemplate,
  values: TValues,
): { url: string; headers: { name: string; value: string }[]; body: string } {
  return {
    url: renderUrl(t.url, values),
    headers: t.headers.map((h) => ({ name: h.name, value: renderHeaderValue(h.name, h.value, values) })),
    body: t.payload.trim() ? renderPayload(t.payload, values) : "",
  };
}

/** Every reference of the template, across URL, headers and payload. Throws TemplateSyntaxError. */
export function allReferences(t: TWebhookTemplate): string[] {
  const names = new Set<string>();
  for (const src of [t.url, t.payload, ...t.headers.map((h) => h.value)]) for (const n of referencesOf(src)) names.add(n);
  return [...names];
}
