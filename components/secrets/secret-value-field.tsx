"use client";
// The value input of the New secret and Rotate dialogs: a multi-line field obfuscated while typed, a
// Reveal/Hide toggle that shows only what is in the field, and a file upload (text or JSON, at most
// 64 KiB, JSON must parse). Uncontrolled: the value lives in the DOM until the dialog closes and unmounts it.
import { FileUp, X } from "lucide-react";
import { useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { FieldError, inputClass, Label } from "@/components/ui/field";
import { cn } from "@/lib/cn";
import { checkUploadedValue, SECRET_VALUE_MAX_BYTES } from "@/lib/validation/secrets";

export function SecretValueField({ errors, autoFocus }: { errors?: string[]; autoFocus?: boolean }) {
  const id = useId();
  const [revealed, setRevealed] = useState(false);
  const [file, setFile] = useState<{ name: string; size: number } | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const valueId = `${id}-value`;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const shownErrors = fileError ? [fileError] : errors;

  async function onFile(e: React.ChangeEvent<HTMLInputElement>) {
    const f = e.currentTarget.files?.[0];
    setFileError(null);
    setFile(null);
    if (!f) return;
    const text = f.size <= SECRET_VALUE_MAX_BYTES ? await f.text() : "";
    const problem = checkUploadedValue(f.name, text, f.size);
    if (problem) {
      setFileError(problem);
      if (fileInput.current) fileInput.current.value = "";
      return;
    }
    setFile({ name: f.name, size: f.size });
  }

  function clearFile() {
    if (fileInput.current) fileInput.current.value = "";
    setFile(null);
    setFileError(null);
  }

  return (
    <div>
      <div className="flex items-center justify-between">
        <Label htmlFor={valueId}>Secret</Label>
        <Button
          variant="ghost"
          size="sm"
          aria-controls={valueId}
          disabled={!!file}
          onClick={() => setRevealed((r) => !r)}
        >
          {revealed ? "Hide secret" : "Reveal secret"}
        </Button>
      </div>
      <textarea
        id={valueId}
        name="value"
        rows={4}
        autoFocus={autoFocus}
        disabled={!!file}
        autoComplete="off"
        autoCorrect="off"
        autoCapitalize="off"
        spellCheck={false}
        data-1p-ignore
        data-lpignore="true"
        placeholder={file ? "Using the uploaded file" : "Paste the value"}
        aria-invalid={shownErrors?.length ? true : undefined}
        aria-describedby={[hintId, shownErrors?.length ? errorId : undefined].filter(Boolean).join(" ")}
        className={cn(inputClass, "mt-1.5 resize-y font-mono", !revealed && "secret-obfuscated")}
      />
      <div className="mt-2 flex flex-wrap items-center gap-2 text-xs text-slate-600">
        <label htmlFor={`${id}-file`} className="inline-flex items-center gap-1 font-medium text-slate-700">
          <FileUp className="size-3.5" aria-hidden />
          Upload file
        </label>
        <input
          ref={fileInput}
          id={`${id}-file`}
          name="file"
          type="file"
          accept=".txt,.json,.pem,.key,.env,.crt,text/plain,application/json"
          onChange={onFile}
          className="text-xs file:mr-2 file:rounded file:border-0 file:bg-slate-100 file:px-2 file:py-1 file:text-xs file:font-medium hover:file:bg-slate-200"
        />
        {file ? (
          <span className="inline-flex items-center gap-1">
            Using {file.name} ({file.size.toLocaleString()} bytes)
            <button type="button" onClick={clearFile} className="rounded p-0.5 hover:bg-slate-100" aria-label="Remove uploaded file">
              <X className="size-3" aria-hidden />
            </button>
          </span>
        ) : null}
      </div>
      <p id={hintId} className="mt-1 text-xs text-slate-500">
        Paste the value, or upload a text or JSON file of at most 64 KiB. It cannot be viewed after you save it.
      </p>
      <FieldError id={errorId} messages={shownErrors} />
    </div>
  );
}
