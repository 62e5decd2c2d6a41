"use client";
// A credential shown once — an access token, a webhook's signing secret, an invitation link: a read-only
// field that selects itself on focus, a Copy button, and one polite status line that says whether the copy
// worked (plus what else the caller has to say, such as whether the link was mailed). The parent forgets the
// value when its dialog closes; the server never shows it again.
import { Check, Copy } from "lucide-react";
import { useId, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { DialogCloseButton, DialogFooter } from "@/components/ui/dialog";
import { Input, Label } from "@/components/ui/field";

function ShownOnce({
  label,
  value,
  copyLabel,
  hint,
  status,
}: {
  label: string;
  value: string;
  copyLabel: string;
  /** Help text under the field, tied to it with aria-describedby. */
  hint?: ReactNode;
  /** Said in the status line before the copy's outcome. */
  status?: ReactNode;
}) {
  const id = useId();
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  return (
    <div className="space-y-2">
      <Label htmlFor={`${id}-value`}>{label}</Label>
      <div className="flex gap-2">
        <Input
          id={`${id}-value`}
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          className="font-mono text-xs"
          autoComplete="off"
          spellCheck={false}
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
        <Button
          type="button"
          variant="secondary"
          className="shrink-0"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(value);
              setCopied("yes");
            } catch {
              setCopied("failed");
            }
          }}
        >
          {copied === "yes" ? <Check className="size-4" aria-hidden /> : <Copy className="size-4" aria-hidden />}
          {copyLabel}
        </Button>
      </div>
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-slate-600">
        {status}
        {status && copied ? " " : null}
        {copied === "yes" ? "Copied to the clipboard." : copied === "failed" ? "The browser refused the clipboard: select the field and copy it yourself." : ""}
      </p>
    </div>
  );
}

/** A dialog's whole body after the credential was made: the shown-once field, what the caller adds, and Done. */
export function ShownOnceBody({ children, ...field }: Parameters<typeof ShownOnce>[0] & { children?: ReactNode }) {
  return (
    <div className="space-y-4">
      <ShownOnce {...field} />
      {children}
      <DialogFooter>
        <DialogCloseButton>Done</DialogCloseButton>
      </DialogFooter>
    </div>
  );
}
