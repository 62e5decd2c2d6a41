import { describe, expect, it } from "vitest";
import {
  byteLength,
  checkUploadedValue,
  SECRET_VALUE_MAX_BYTES,
  ZCreateSecretInput,
  ZListSecretsQuery,
  ZSecretDescription,
  ZUpdateSecretDetailsInput,
  ZSecretName,
  ZSecretValue,
} from "./secrets";

const nameError = (name: unknown) => {
  const r = ZSecretName.safeParse(name);
  return r.success ? null : r.error.issues[0]!.message;
};
const valueOk = (value: unknown) => ZSecretValue.safeParse(value).success;

describe("secret name rules", () => {
  it.each(["A", "a", "_", "_1", "STRIPE_API_KEY", "db_password2", "x".repeat(64)])("accepts %j", (name) => {
    expect(nameError(name)).toBeNull();
  });

  it.each([
    ["", "Enter a name."],
    ["   ", "Enter a name."],
    ["1ABC", "A name cannot start with a digit."],
    ["9", "A name cannot start with a digit."],
    ["x".repeat(65), "Names are at most 64 characters."],
  ])("refuses %j with %j", (name, message) => {
    expect(nameError(name)).toBe(message);
  });

  it.each(["API-KEY", "API KEY", "API.KEY", "KEY$", "CLÉ", "ＡＢＣ", "A\nB"])("refuses %j with the letters-digits-underscores message", (name) => {
    expect(nameError(name)).toBe("Use only letters, digits and underscores (_).");
  });

  it("refuses non-strings", () => {
    expect(nameError(undefined)).toBe("Enter a name.");
    expect(nameError(null)).toBe("Enter a name.");
    expect(nameError(42)).toBe("Enter a name.");
  });

  it("trims surrounding whitespace before checking", () => {
    expect(ZSecretName.parse("  API_KEY \n")).toBe("API_KEY");
  });
});

describe("secret value rules", () => {
  it("refuses empty and whitespace-only values", () => {
    for (const v of ["", " ", "\n", "\t \r\n  "]) expect(valueOk(v)).toBe(false);
    expect(valueOk(undefined)).toBe(false);
    expect(valueOk(null)).toBe(false);
  });

  it("keeps surrounding whitespace of a value (it is part of the secret)", () => {
    expect(ZSecretValue.parse("  s3cret\n")).toBe("  s3cret\n");
  });

  it("limits the value to 64 KiB counted in UTF-8 bytes", () => {
    expect(SECRET_VALUE_MAX_BYTES).toBe(65536);
    expect(valueOk("x".repeat(65536))).toBe(true);
    expect(valueOk("x".repeat(65537))).toBe(false);
    expect(ZSecretValue.safeParse("x".repeat(65537)).error?.issues[0]?.message).toBe("The secret is larger than 64 KiB.");
  });

  it("counts multi-byte characters as their UTF-8 bytes, not as UTF-16 units", () => {
    expect(byteLength("é")).toBe(2);
    expect(byteLength("€")).toBe(3);
    expect(byteLength("🔑")).toBe(4);
    // 21845 × 3 bytes = 65535 bytes in only 21845 string units.
    const euros = "€".repeat(21845);
    expect(euros.length).toBe(21845);
    expect(valueOk(euros + "x")).toBe(true); // 65536 bytes
    expect(valueOk(euros + "é")).toBe(false); // 65537 bytes
    // 16384 keys × 4 bytes = exactly 64 KiB, though the string has 32768 UTF-16 units.
    expect(valueOk("🔑".repeat(16384))).toBe(true);
    expect(valueOk("🔑".repeat(16384) + "x")).toBe(false);
  });

  it("the create input needs a visibility of masked or restricted", () => {
    const base = { name: "API_KEY", value: "v" };
    expect(ZCreateSecretInput.safeParse({ ...base, visibility: "masked" }).success).toBe(true);
    expect(ZCreateSecretInput.safeParse({ ...base, visibility: "restricted" }).success).toBe(true);
    const bad = ZCreateSecretInput.safeParse({ ...base, visibility: "public" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["visibility"]);
  });
});

describe("checkUploadedValue", () => {
  const bytes = (s: string) => byteLength(s);

  it("accepts text and valid JSON files", () => {
    expect(checkUploadedValue("key.pem", "-----BEGIN KEY-----\nabc\n", 24)).toBeNull();
    const json = '{"type":"service_account","key":"é"}';
    expect(checkUploadedValue("creds.json", json, bytes(json))).toBeNull();
    expect(checkUploadedValue("CREDS.JSON", "[1,2]", 5)).toBeNull();
  });

  it("refuses files over 64 KiB and accepts exactly 64 KiB", () => {
    expect(checkUploadedValue("big.txt", "x".repeat(65536), 65536)).toBeNull();
    expect(checkUploadedValue("big.txt", "x".repeat(65537), 65537)).toBe("The file is larger than 64 KiB.");
  });

  it("refuses empty and whitespace-only files", () => {
    expect(checkUploadedValue("empty.txt", "", 0)).toBe("The file is empty.");
    expect(checkUploadedValue("blank.txt", " \n\t", 3)).toBe("The file is empty.");
    expect(checkUploadedValue("blank.json", "\n", 1)).toBe("The file is empty.");
  });

  it("requires a .json file to parse, but not other files", () => {
    for (const text of ["{", "{'a':1}", "{\"a\":1,}", "undefined", "NaN"]) {
      expect(checkUploadedValue("creds.json", text, bytes(text))).toBe("The file is not valid JSON.");
    }
    expect(checkUploadedValue("notes.txt", "{", 1)).toBeNull();
    expect(checkUploadedValue("creds.json.txt", "{", 1)).toBeNull();
  });
});

describe("list query", () => {
  it("falls back to safe defaults for junk input", () => {
    expect(ZListSecretsQuery.parse({})).toEqual({ q: "", sort: "name", page: 1, pageSize: 25 });
    expect(ZListSecretsQuery.parse({ q: "x".repeat(500), sort: "drop table", page: "-3", pageSize: "100000" })).toEqual({
      q: "",
      sort: "name",
      page: 1,
      pageSize: 25,
    });
    expect(ZListSecretsQuery.parse({ q: " API ", sort: "-version", page: "2", pageSize: "50" })).toEqual({
      q: "API",
      sort: "-version",
      page: 2,
      pageSize: 50,
    });
  });
});

describe("secret description rules", () => {
  const problem = (v: unknown) => {
    const r = ZSecretDescription.safeParse(v);
    return r.success ? null : r.error.issues[0]!.message;
  };
  it("is optional: missing, null and blank are no description", () => {
    for (const v of [undefined, null, "", "   \n "]) expect(ZSecretDescription.parse(v)).toBeNull();
  });
  it("trims and keeps line breaks inside", () => {
    expect(ZSecretDescription.parse("  a\nb  ")).toBe("a\nb");
  });
  it("counts characters, not UTF-16 units: 500 emoji pass, 501 letters are refused with the count", () => {
    expect(problem("🔑".repeat(500))).toBeNull();
    expect(problem("x".repeat(500))).toBeNull();
    expect(problem("x".repeat(501))).toBe("Descriptions are at most 500 characters (this one has 501).");
    expect(problem(" " + "x".repeat(500) + " ")).toBeNull();
  });
  it("refuses control characters but not tabs or line breaks", () => {
    expect(problem("a\u0000b")).toBe("Descriptions cannot contain control characters.");
    expect(problem("a\u001bb")).toBe("Descriptions cannot contain control characters.");
    expect(problem("a\tb\r\nc")).toBeNull();
  });
  it("refuses non-strings", () => {
    expect(problem(42)).toBe("Enter the description as text.");
  });
  it("Edit details needs a secret id", () => {
    expect(ZUpdateSecretDetailsInput.safeParse({ description: "x" }).success).toBe(false);
    expect(ZUpdateSecretDetailsInput.parse({ secretId: "3f0b3c1e-8d7a-4e4b-9c35-0c8b7d6c9a11", description: " d " })).toEqual({
      secretId: "3f0b3c1e-8d7a-4e4b-9c35-0c8b7d6c9a11",
      description: "d",
    });
  });
});
