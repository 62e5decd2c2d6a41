"use client";
// Import: upload, drop or paste a .env or JSON object file (limits stated up front: 10,000 secrets, 4 MiB).
// The server parses it and answers a preview (each name with its state: new, already exists — skip or
// rotate, invalid and why); values are never shown. The import is one transaction on the server, every row
// or none, streamed back as progress lines so a 10,000-line file shows how far it has got.
import { useEffect, useMemo, useRef, useState } from "react";
import { importSecretsAction, previewImportAction } from "@/app/teams/[team]/settings/secrets/import-actions";
import { UNREACHABLE as unreachable, useTeamMutation } from "@/components/shared/use-team-mutation";
import { Dialog, DialogContent, DialogFormFooter, DialogTrigger } from "@/components/ui/dialog";
import { FieldError, FormAlert, inputClass, Label } from "@/components/ui/field";
import type { ActionResult } from "@/lib/errors";
import { secretsKeys } from "@/lib/queries/keys";
import { cn } from "@/lib/cn";
import { IMPORT_MAX_BYTES, IMPORT_MAX_ENTRIES } from "@/lib/validation/secret-rules";
import type { TImportPreview, TImportResult } from "@/lib/types/secret-import";
import { importTrigger } from "./dialog-triggers";

/** Preview rows drawn at once; the counts above the table cover every entry. */
const PREVIEW_ROWS = 200;
const LIMITS = `At most ${IMPORT_MAX_ENTRIES.toLocaleString("en")} secrets and 4 MiB per file.`;
const STATE_LABEL = { new: "New", exists: "Already exists", invalid: "Invalid" } as const;
const STATE_CLASS = {
  new: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  exists: "bg-sky-50 text-sky-800 ring-sky-200",
  invalid: "bg-red-50 text-red-700 ring-red-200",
} as const;

type TSource = { text: string; fileName: string | null };
type TProgress = { done: number; total: number };

/** Runs the import through the streaming route, reporting each progress line; resolves with the final result. */
async function runImport(teamSlug: string, input: TSource & { rotate: string[]; visibility: string }, onProgress: (p: TProgress) => void): Promise<ActionResult<TImportResult>> {
  const res = await fetch(`/api/teams/${encodeURIComponent(teamSlug)}/secrets/import`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(input),
  });
  if (!res.body || !res.headers.get("content-type")?.includes("ndjson")) return (await res.json()) as ActionResult<TImportResult>;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = JSON.parse(buffered.slice(0, nl)) as ({ type: "progress" } & TProgress) | ({ type: "result" } & ActionResult<TImportResult>);
      buffered = buffered.slice(nl + 1);
      if (line.type === "progress") onProgress(line);
      else return line;
    }
  }
  return unreachable;
}

export function ImportSecretsDialog({
  teamSlug,
  onImported,
  defaultOpen = false,
}: {
  teamSlug: string;
  onImported: (message: string) => void;
  defaultOpen?: boolean;
}) {
  const [open, setOpen] = useState(defaultOpen);
  const [file, setFile] = useState<TSource | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [paste, setPaste] = useState("");
  const [preview, setPreview] = useState<ActionResult<TImportPreview> | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [rotate, setRotate] = useState<Set<string>>(new Set());
  const [visibility, setVisibility] = useState<"masked" | "restricted">("masked");
  const [progress, setProgress] = useState<TProgress | null>(null);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const requestId = useRef(0);

  // A new object only when the file or the pasted text changes (the preview below re-asks the server then).
  const source: TSource | null = useMemo(() => file ?? (paste.trim() ? { text: paste, fileName: null } : null), [file, paste]);

  const mutation = useTeamMutation(
    async (input: TSource & { rotate: string[]; visibility: "masked" | "restricted" }): Promise<ActionResult<TImportResult>> => {
      // The streaming route reports progress; should it fail unexpectedly, the server action does the same import.
      const streamed = await runImport(teamSlug, input, setProgress).catch(() => unreachable);
      if (streamed.ok || streamed.code !== "unexpected") return streamed;
      return await importSecretsAction(teamSlug, input);
    },
    {
      invalidates: [secretsKeys.all(teamSlug)],
      onSuccess: (d) => {
        onImported(
          `Imported: ${d.created} new, ${d.rotated} rotated, ${d.skipped} skipped${d.invalid ? `, ${d.invalid} invalid not imported` : ""}.`,
        );
        close();
      },
    },
  );
  const { pending } = mutation;

  // The preview follows the input: a new file or a pause in typing asks the server again.
  useEffect(() => {
    if (!source) {
      setPreview(null);
      return;
    }
    const id = ++requestId.current;
    const t = setTimeout(async () => {
      setPreviewing(true);
      let r: ActionResult<TImportPreview>;
      try {
        r = await previewImportAction(teamSlug, source);
      } catch {
        r = unreachable;
      }
      if (id !== requestId.current) return;
      setPreviewing(false);
      setPreview(r);
    }, file ? 0 : 300);
    return () => clearTimeout(t);
  }, [source, file, teamSlug]);

  function reset() {
    requestId.current++;
    setFile(null);
    setFileError(null);
    setPaste("");
    setPreview(null);
    setPreviewing(false);
    setRotate(new Set());
    setVisibility("masked");
    setProgress(null);
    mutation.reset();
  }

  function close() {
    setOpen(false);
    reset();
  }

  async function onFile(f: File | undefined) {
    setFileError(null);
    if (!f) return setFile(null);
    if (f.size > IMPORT_MAX_BYTES) {
      setFile(null);
      if (fileInput.current) fileInput.current.value = "";
      setFileError(`${f.name}: The file is larger than 4 MiB. ${LIMITS}`);
      return;
    }
    setPaste("");
    setFile({ text: await f.text(), fileName: f.name });
  }

  const entries = preview?.ok ? preview.data.entries : [];
  const counts = { new: 0, exists: 0, invalid: 0 };
  for (const e of entries) counts[e.state]++;
  const toRotate = entries.filter((e) => e.state === "exists" && rotate.has(e.name)).length;
  const canImport = !!source && preview?.ok === true && !previewing && counts.new + toRotate > 0;
  const previewFailure = preview && !preview.ok ? preview : null;
  // Invalid and existing entries first (they need a look or a choice), then new ones, up to PREVIEW_ROWS.
  const shownEntries =
    entries.length <= PREVIEW_ROWS
      ? entries
      : [...entries.filter((e) => e.state !== "new"), ...entries.filter((e) => e.state === "new")].slice(0, Math.max(PREVIEW_ROWS, counts.invalid + counts.exists));
  const importFailure = mutation.failure;

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (pending) return; // never close mid-import
        if (next) setOpen(true);
        else close();
      }}
    >
      <DialogTrigger asChild>{importTrigger()}</DialogTrigger>
      <DialogContent
        title="Import secrets"
        description={`Upload, drop or paste a .env file or a JSON object of names to values. ${LIMITS} Values are encrypted on import and never shown.`}
        className="max-w-2xl"
      >
        <form method="post"
          onSubmit={(e) => {
            e.preventDefault();
            if (!source || !canImport) return;
            mutation.run({ ...source, rotate: [...rotate], visibility });
          }}
          noValidate
        >
          <fieldset disabled={pending} className="space-y-4">
            <div
              data-drop-target
              onDragOver={(e) => {
                if (!e.dataTransfer.types.includes("Files")) return;
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={(e) => {
                e.preventDefault();
                setDragging(false);
                const f = e.dataTransfer.files[0];
                if (!f || !fileInput.current) return;
                const dt = new DataTransfer();
                dt.items.add(f);
                fileInput.current.files = dt.files;
                void onFile(f);
              }}
              className={cn("relative rounded-md", dragging && "ring-2 ring-dashed ring-indigo-600")}
            >
              {dragging ? (
                <div className="pointer-events-none absolute inset-0 z-10 flex items-center justify-center rounded-md bg-indigo-50/95 text-sm font-medium text-indigo-800">
                  Drop the .env or JSON file to preview it
                </div>
              ) : null}
              <Label htmlFor="import-file">Upload file</Label>
              <input
                ref={fileInput}
                id="import-file"
                type="file"
                accept=".env,.json,.txt,text/plain,application/json"
                onChange={(e) => void onFile(e.target.files?.[0])}
                aria-invalid={fileError ? true : undefined}
                aria-describedby={fileError ? "import-file-hint import-file-error" : "import-file-hint"}
                className="mt-1.5 block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-1.5 file:text-sm file:font-semibold"
              />
              <p id="import-file-hint" className="mt-1 text-xs text-slate-600">
                {LIMITS} You can also drop the file here.
              </p>
              <FieldError id="import-file-error" messages={fileError} />
            </div>
            <div>
              <Label htmlFor="import-paste">Paste</Label>
              <textarea
                id="import-paste"
                rows={5}
                value={paste}
                placeholder={file ? `Using ${file.fileName}; paste here to use text instead.` : "API_KEY=...\nexport DATABASE_URL=\"postgres://...\""}
                onChange={(e) => {
                  setPaste(e.target.value);
                  if (e.target.value && file) {
                    setFile(null);
                    if (fileInput.current) fileInput.current.value = "";
                  }
                }}
                spellCheck={false}
                autoComplete="off"
                className={cn(inputClass, "mt-1.5 font-mono text-xs [-webkit-text-security:disc]")}
              />
              <p className="mt-1 text-xs text-slate-600">Comments, quotes, multi-line quoted values and export prefixes are understood.</p>
            </div>

            <section aria-labelledby="import-preview-title" aria-busy={previewing || undefined} className="space-y-2">
              <h3 id="import-preview-title" className="text-sm font-semibold text-slate-900">
                Preview
              </h3>
              {!source ? <p className="text-sm text-slate-600">Upload or paste a file to see what would be imported.</p> : null}
              {source && previewing && !preview ? <p className="text-sm text-slate-600">Reading…</p> : null}
              {previewFailure ? <FormAlert message={previewFailure.fieldErrors?.text?.[0] ?? previewFailure.message} /> : null}
              {entries.length ? (
                <>
                  <p role="status" className="text-sm text-slate-700">
                    {counts.new} new · {counts.exists} already {counts.exists === 1 ? "exists" : "exist"} · {counts.invalid} invalid
                  </p>
                  <div className="max-h-64 overflow-y-auto rounded-md ring-1 ring-slate-200">
                    <table className="min-w-full divide-y divide-slate-200 text-sm">
                      <caption className="sr-only">Import preview</caption>
                      <thead className="bg-slate-50 text-left text-slate-600">
                        <tr>
                          <th scope="col" className="px-3 py-2 font-semibold">Name</th>
                          <th scope="col" className="px-3 py-2 font-semibold">State</th>
                          <th scope="col" className="px-3 py-2 font-semibold">What happens</th>
                        </tr>
                      </thead>
                      <tbody className="divide-y divide-slate-100">
                        {shownEntries.map((e, i) => (
                          <tr key={`${i}-${e.name}`}>
                            <th scope="row" className="px-3 py-2 text-left font-mono text-xs font-medium break-all">
                              {e.name || `Line ${e.line ?? "?"}`}
                            </th>
                            <td className="px-3 py-2">
                              <span className={cn("whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1", STATE_CLASS[e.state])}>
                                {STATE_LABEL[e.state]}
                              </span>
                            </td>
                            <td className="px-3 py-2 text-xs text-slate-600">
                              {e.state === "invalid" ? (
                                <span>{e.reason} Not imported.</span>
                              ) : e.state === "new" ? (
                                <span>Created as version 1.</span>
                              ) : (
                                <select
                                  aria-label={`What to do with ${e.name}`}
                                  value={rotate.has(e.name) ? "rotate" : "skip"}
                                  onChange={(ev) =>
                                    setRotate((s) => {
                                      const next = new Set(s);
                                      if (ev.target.value === "rotate") next.add(e.name);
                                      else next.delete(e.name);
                                      return next;
                                    })
                                  }
                                  className={cn(inputClass, "w-auto py-1 text-xs")}
                                >
                                  <option value="skip">Skip (keep the current value)</option>
                                  <option value="rotate">Rotate to the file&apos;s value</option>
                                </select>
                              )}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                  {entries.length > shownEntries.length ? (
                    <p className="text-xs text-slate-600">
                      Showing {shownEntries.length.toLocaleString("en")} of {entries.length.toLocaleString("en")} entries: every invalid and
                      existing one, then the first new ones. The counts above cover all of them.
                    </p>
                  ) : null}
                </>
              ) : null}
            </section>

            {counts.new > 0 ? (
              <div>
                <Label htmlFor="import-visibility">Visibility of new secrets</Label>
                <select
                  id="import-visibility"
                  value={visibility}
                  onChange={(e) => setVisibility(e.target.value as "masked" | "restricted")}
                  className={cn(inputClass, "mt-1.5 w-auto")}
                >
                  <option value="masked">Masked</option>
                  <option value="restricted">Restricted</option>
                </select>
              </div>
            ) : null}

            {pending && progress ? (
              <div className="space-y-1" aria-live="polite">
                <label htmlFor="import-progress" className="text-sm text-slate-700">
                  Importing {progress.done.toLocaleString("en")} of {progress.total.toLocaleString("en")}…
                </label>
                <progress id="import-progress" value={progress.done} max={Math.max(1, progress.total)} className="h-2 w-full accent-indigo-600" />
              </div>
            ) : null}
            {importFailure ? <FormAlert message={importFailure.fieldErrors?.text?.[0] ?? importFailure.message} /> : null}
            <DialogFormFooter submit="Import secrets" pendingSubmit="Importing…" pending={pending} disabled={!canImport} />
          </fieldset>
        </form>
      </DialogContent>
    </Dialog>
  );
}
