// The rules for secret names and values as plain functions, so the browser can check them without shipping
// zod (≈37 kB gzip): the dialogs call these before submitting, and the zod schemas in ./secrets.ts (the
// server's check) are built on the same functions and messages, so the two can never disagree.
import { isCalendarDate, ROTATE_EVERY_MAX_DAYS } from "@/lib/secret-lifecycle";

export const SECRET_NAME_MAX = 64;
export const SECRET_VALUE_MAX_BYTES = 64 * 1024;

/** Bulk import limits, stated in the dialog before anything is uploaded. */
export const IMPORT_MAX_ENTRIES = 10_000;
export const IMPORT_MAX_BYTES = 4 * 1024 * 1024;

const NAME_TOO_LONG = `Names are at most ${SECRET_NAME_MAX} characters.`;

export const byteLength = (s: string) => new TextEncoder().encode(s).length;

/** Why `raw` (as typed: surrounding spaces are ignored, nothing else is changed) is not a valid name, or null. */
export function secretNameProblem(raw: string): string | null {
  const name = raw.trim();
  if (name.length === 0) return "Enter a name.";
  if (name.length > SECRET_NAME_MAX) return NAME_TOO_LONG;
  if (!/^[A-Za-z0-9_]+$/.test(name)) return "Use only letters, digits and underscores (_).";
  if (/^[0-9]/.test(name)) return "A name cannot start with a digit.";
  return null;
}

export function secretValueProblem(value: string): string | null {
  if (value.trim().length === 0) return "Enter a secret value.";
  if (byteLength(value) > SECRET_VALUE_MAX_BYTES) return "The secret is larger than 64 KiB.";
  return null;
}

/** Check value's candidate: compared exactly as given (no trimming), so only emptiness and size are refused. */
export function candidateValueProblem(value: string): string | null {
  if (value.length === 0) return "Enter a candidate value.";
  if (byteLength(value) > SECRET_VALUE_MAX_BYTES) return "The candidate value is larger than 64 KiB: no stored value can be that large.";
  return null;
}

/** Why an uploaded file cannot be a secret value, or null when it can. Runs in the browser and on the server. */
export function checkUploadedValue(fileName: string, text: string, size: number): string | null {
  if (size > SECRET_VALUE_MAX_BYTES) return "The file is larger than 64 KiB.";
  if (size === 0 || text.trim().length === 0) return "The file is empty.";
  if (/\.json$/i.test(fileName)) {
    try {
      JSON.parse(text);
    } catch {
      return "The file is not valid JSON.";
    }
  }
  return null;
}

export const SECRET_DESCRIPTION_MAX = 500;

/** Characters as Postgres counts them (code points), so "500" means the same in the browser and in the CHECK. */
export const charLength = (s: string) => [...s].length;

const isControl = (ch: string) => {
  const c = ch.codePointAt(0)!;
  return (c < 0x20 && ch !== "\n" && ch !== "\r" && ch !== "\t") || c === 0x7f;
};

/**
 * Why `raw` cannot be a description, or null. Surrounding spaces are ignored (and not stored); nothing else is
 * changed: a longer text is refused with its length, never shortened.
 */
export function secretDescriptionProblem(raw: string): string | null {
  const text = raw.trim();
  const n = charLength(text);
  if (n > SECRET_DESCRIPTION_MAX) return `Descriptions are at most ${SECRET_DESCRIPTION_MAX} characters (this one has ${n.toLocaleString("en")}).`;
  // Line breaks and tabs are text; other control characters (NUL above all) are not.
  if ([...text].some(isControl)) return "Descriptions cannot contain control characters.";
  return null;
}

/** Why `raw` (a date field's value, 'YYYY-MM-DD'; blank is no expiry) cannot be an expiry date, or null. */
export function expiresOnProblem(raw: string): string | null {
  const v = raw.trim();
  if (v === "") return null;
  if (!isCalendarDate(v)) return "Enter a date (YYYY-MM-DD).";
  if (v < "2000-01-01" || v > "9999-12-31") return "Enter a date between 2000 and 9999.";
  return null;
}

/** Why `raw` (blank is no rotation policy) cannot be a rotation period in days, or null. */
export function rotateEveryDaysProblem(raw: string): string | null {
  const v = raw.trim();
  if (v === "") return null;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > ROTATE_EVERY_MAX_DAYS) {
    return `Enter a whole number of days from 1 to ${ROTATE_EVERY_MAX_DAYS.toLocaleString("en")}.`;
  }
  return null;
}
