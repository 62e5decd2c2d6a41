// The bulk import's preview and result: names, line numbers, states and counts; never a value.
import type { TVisibility } from "@/db/schema";

export type TImportFormat = "dotenv" | "json";
export type TImportState = "new" | "exists" | "invalid";
/** `name` is "" for lines that are not entries: they are reported by `line` (1-based) only, never by their text. */
export type TImportPreviewEntry = { name: string; line: number | null; state: TImportState; reason: string | null; visibility: TVisibility | null };
export type TImportPreview = { format: TImportFormat; entries: TImportPreviewEntry[] };
export type TImportResult = { created: number; rotated: number; skipped: number; invalid: number };
