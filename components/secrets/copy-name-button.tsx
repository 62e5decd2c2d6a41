"use client";
// Copies a secret's full name (names can be long and wrap) and confirms it in the page's toast region.
import { Copy } from "lucide-react";
import { Button } from "@/components/ui/button";
import { notify } from "@/components/ui/toast";

export function CopyNameButton({ name }: { name: string }) {
  async function copy() {
    try {
      await navigator.clipboard.writeText(name);
      notify(`Copied ${name}.`);
    } catch {
      notify("Could not copy: the browser refused access to the clipboard.");
    }
  }
  return (
    <Button variant="ghost" size="icon" aria-label={`Copy name ${name}`} title="Copy name" onClick={copy}>
      <Copy className="size-4" aria-hidden />
    </Button>
  );
}
