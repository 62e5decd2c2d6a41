"use client";
// The value input of the New secret and Rotate dialogs: a multi-line field obfuscated while typed, a
// Reveal/Hide toggle after it (tab order follows the field it controls), and a file — chosen or dropped onto
// the field — of text or JSON, at most 64 KiB, JSON must parse. A file's problem sits on the file input
// (aria-invalid + aria-describedby), never on the untouched text box, and its message names the file.
// Uncontrolled: the value lives in the DOM until the dialog closes and unmounts it. Ctrl/Cmd+Enter submits.
import { FileUp, X } from "lucide-react";
import { useId, useImperativeHandle, useRef, useState, type Ref } from "react";
import { Button } from "@/components/ui/button";
import { FieldError, inputClass, Label } from "@/components/ui/field";
import { submitOnModEnter } from "@/components/ui/form-field";
import { cn } from "@/lib/cn";
import { checkUploadedValue, SECRET_VALUE_MAX_BYTES, secretValueProblem } from "@/lib/validation/secret-rules";
import { SECRET_INPUT_PROPS } from "./secret-input-props";

type TValueProblem = { field: "value" | "file"; message: string };
export type TSecretValueHandle = {
  /** What the browser can tell before submitting: an empty or oversized value, or the chosen file's problem. */
  problem(): TValueProblem | null;
  focus(field: "value" | "file"): void;
};

export function SecretValueField({
  errors,
  fileErrors,
  autoFocus,
  handle,
}: {
  errors?: string[];
  fileErrors?: string[];
  autoFocus?: boolean;
  handle?: Ref<TSecretValueHandle>;
}) {
  const id = useId();
  const [revealed, setRevealed] = useState(false);
  const [file, setFile] = useState<{ name: string; size: number } | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const valueId = `${id}-value`;
  const fileId = `${id}-file`;
  const errorId = `${id}-error`;
  const fileErrorId = `${id}-file-error`;
  const hintId = `${id}-hint`;
  // An error stays until the field it is about changes (then it is the next submit's to say).
  const [editedSince, setEditedSince] = useState<{ value?: string[]; file?: string[] }>({});
  const shownFileErrors = fileProblem ? [fileProblem] : editedSince.file === fileErrors ? undefined : fileErrors;
  // With a file chosen (or one just refused), the file is what the user is fixing, not the text box.
  const shownErrors = file || fileProblem || editedSince.value === errors ? undefined : errors;

  useImperativeHandle(handle, () => ({
    problem() {
      const text = textarea.current?.value ?? "";
      // A refused file is not used; with nothing typed either, the file's problem is the one to fix.
      if (fileProblem && !text.trim()) return { field: "file", message: fileProblem };
      if (file) return null;
      const p = secretValueProblem(text);
      return p ? { field: "value", message: p } : null;
    },
    focus(field) {
      (field === "file" ? fileInput.current : textarea.current)?.focus();
    },
  }));

  async function takeFile(f: File | undefined) {
    setFileProblem(null);
    setFile(null);
    setEditedSince((e) => ({ ...e, file: fileErrors }));
    if (!f) return;
    const text = f.size <= SECRET_VALUE_MAX_BYTES ? await f.text() : "";
    const problem = checkUploadedValue(f.name, text, f.size);
    if (problem) {
      // Refused: not submitted (the input is emptied, the text box stays usable), but named in the message.
      if (fileInput.current) fileInput.current.value = "";
      setFileProblem(`${f.name}: ${problem}`);
      return;
    }
    setFile({ name: f.name, size: f.size });
  }

  function clearFile() {
    if (fileInput.current) fileInput.current.value = "";
    setFile(null);
    setFileProblem(null);
    textarea.current?.focus();
  }

  function onDrop(e: React.DragEvent) {
    e.preventDefault();
    setDragging(false);
    const files = e.dataTransfer.files;
    if (!files.length || !fileInput.current) return;
    // The dropped file becomes the file input's, so the form submits it exactly like a chosen one.
    const dt = new DataTransfer();
    dt.items.add(files[0]!);
    fileInput.current.files = dt.files;
    void takeFile(files[0]);
  }

  return (
    <div>
      <Label htmlFor={valueId}>Secret</Label>
      <div
        className="relative mt-1.5"
        onDragOver={(e) => {
          if (!e.dataTransfer.types.includes("Files")) return;
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-drop-target
      >
        <textarea
          ref={textarea}
          id={valueId}
          name="value"
          rows={4}
          autoFocus={autoFocus}
          disabled={!!file}
          {...SECRET_INPUT_PROPS}
          placeholder={file ? "Using the file below" : "Paste the value, or drop a file here"}
          aria-invalid={shownErrors?.length ? true : undefined}
          aria-describedby={[hintId, shownErrors?.length ? errorId : undefined].filter(Boolean).join(" ")}
          onInput={() => setEditedSince((e) => ({ ...e, value: errors }))}
          onKeyDown={submitOnModEnter}
          className={cn(inputClass, "resize-y font-mono", !revealed && "secret-obfuscated")}
        />
        {dragging ? (
          <div className="pointer-events-none absolute inset-0 flex items-center justify-center rounded-md bg-indigo-50/95 text-sm font-medium text-indigo-800 ring-2 ring-indigo-600 ring-dashed">
            Drop the file to use it as the value
          </div>
        ) : null}
      </div>
      <div className="mt-1 flex justify-end">
        <Button variant="ghost" size="sm" aria-controls={valueId} disabled={!!file} onClick={() => setRevealed((r) => !r)}>
          {revealed ? "Hide secret" : "Reveal secret"}
        </Button>
      </div>
      <FieldError id={errorId} messages={shownErrors} />
      <div className="mt-2 flex flex-wrap items-center gap-2 text-xs text-slate-700">
        <label htmlFor={fileId} className="inline-flex items-center gap-1 font-medium text-slate-700">
          <FileUp className="size-3.5" aria-hidden />
          Upload file
        </label>
        <input
          ref={fileInput}
          id={fileId}
          name="file"
          type="file"
          accept=".txt,.json,.pem,.key,.env,.crt,text/plain,application/json"
          onChange={(e) => void takeFile(e.currentTarget.files?.[0])}
          aria-invalid={shownFileErrors?.length ? true : undefined}
          aria-describedby={shownFileErrors?.length ? fileErrorId : undefined}
          className="max-w-full text-xs file:mr-2 file:rounded file:border-0 file:bg-slate-100 file:px-2 file:py-1 file:text-xs file:font-medium file:text-slate-900 hover:file:bg-slate-200"
        />
        {file ? (
          <span className="inline-flex items-center gap-1 [overflow-wrap:anywhere]">
            Using {file.name} ({file.size.toLocaleString("en")} bytes)
            <button type="button" onClick={clearFile} className="rounded p-0.5 hover:bg-slate-100" aria-label="Remove uploaded file">
              <X className="size-3" aria-hidden />
            </button>
          </span>
        ) : null}
      </div>
      <FieldError id={fileErrorId} messages={shownFileErrors} />
      <p id={hintId} className="mt-1 text-xs text-slate-600">
        Paste the value, or upload or drop a text or JSON file of at most 64 KiB. It cannot be viewed after you save it.
      </p>
    </div>
  );
}
