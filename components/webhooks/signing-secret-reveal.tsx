"use client";
// A webhook's signing secret, shown once (after creating the webhook or rotating its secret): a read-only
// field "Signing secret" and "Copy signing secret". The parent forgets it when its dialog closes; the server
// never shows it again.
import { Check, Copy } from "lucide-react";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input, Label } from "@/components/ui/field";

export function SigningSecretReveal({ secret, note }: { secret: string; note?: string }) {
  const id = useId();
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  return (
    <div className="space-y-2">
      <Label htmlFor={`${id}-secret`}>Signing secret</Label>
      <div className="flex gap-2">
        <Input
          id={`${id}-secret`}
          readOnly
          value={secret}
          onFocus={(e) => e.currentTarget.select()}
          className="font-mono text-xs"
          autoComplete="off"
          spellCheck={false}
          aria-describedby={`${id}-hint`}
        />
        <Button
          type="button"
          variant="secondary"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(secret);
              setCopied("yes");
            } catch {
              setCopied("failed");
            }
          }}
        >
          {copied === "yes" ? <Check className="size-4" aria-hidden /> : <Copy className="size-4" aria-hidden />}
          Copy signing secret
        </Button>
      </div>
      <p id={`${id}-hint`} className="text-xs text-slate-600">
        Shown only now. Your receiver verifies every delivery with it (Standard Webhooks: webhook-id, webhook-timestamp,
        webhook-signature headers).{note ? ` ${note}` : ""}
      </p>
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-slate-600">
        {copied === "yes" ? "Copied to the clipboard." : copied === "failed" ? "The browser refused the clipboard: select the field and copy it yourself." : ""}
      </p>
    </div>
  );
}
