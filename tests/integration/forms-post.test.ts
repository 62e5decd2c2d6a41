// Issue 9 item 13: a form whose scripts do not run submits natively. Every <form> in app/ and components/
// must post — through a server action (`action={...}`: React renders a multipart POST) or `method="post"` —
// so a password, value or token never lands in a URL. GET is allowed only for the listed filter forms,
// which carry nothing secret.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..", "..");
const GET_FORMS = new Set(["app/teams/[team]/settings/audit/page.tsx", "components/secrets/pagination.tsx"]);

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx$/.test(e.name) && !e.name.endsWith(".test.tsx"))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

/** The opening tags of every <form> in a file, read up to the `>` outside any `{...}` expression. */
function formTags(text: string): string[] {
  const tags: string[] = [];
  for (const m of text.matchAll(/<form(?=[\s>])/g)) {
    const lineStart = text.lastIndexOf("\n", m.index) + 1;
    if (/\/\/|^\s*\*/.test(text.slice(lineStart, m.index))) continue; // in a comment
    let depth = 0;
    let i = m.index + 5;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === "{") depth++;
      else if (c === "}") depth--;
      else if (c === ">" && depth === 0) break;
    }
    tags.push(text.slice(m.index, i + 1));
  }
  return tags;
}

export function formProblems(file: string, text: string): string[] {
  return formTags(text).flatMap((tag) => {
    const line = text.slice(0, text.indexOf(tag)).split("\n").length;
    const where = `${file}:${line}`;
    const isPost = /\saction=\{/.test(tag) || /\smethod="post"/i.test(tag);
    const isGet = /\smethod="get"/i.test(tag);
    if (isGet) return GET_FORMS.has(file) ? [] : [`${where}: method="get" (only filter forms without secrets may GET)`];
    return isPost ? [] : [`${where}: neither a server action (action={...}) nor method="post": without scripts it submits as GET`];
  });
}

describe("every form posts", () => {
  const files = [...sources("app"), ...sources("components")];

  it("finds the forms it is meant to check", () => {
    const all = files.flatMap((f) => formTags(readFileSync(path.join(root, f), "utf8")));
    expect(all.length).toBeGreaterThanOrEqual(10);
  });

  it("app/ and components/ have no form that would submit as GET", () => {
    const problems = files.flatMap((f) => formProblems(f, readFileSync(path.join(root, f), "utf8")));
    expect(problems).toEqual([]);
  });

  it("the scan catches a form with only onSubmit, and a GET form outside the list", () => {
    expect(formProblems("components/x.tsx", `<form onSubmit={(e) => { e.preventDefault(); }} noValidate>`)).toHaveLength(1);
    expect(formProblems("components/x.tsx", `<form method="get">`)).toHaveLength(1);
    expect(formProblems("components/x.tsx", `<form action={save} className="a">`)).toEqual([]);
  });
});
