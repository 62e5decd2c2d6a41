// The buttons that open the Team secrets page's dialogs, in a module of their own: the page renders them at
// once and fetches each dialog's code only when it is opened (components/ui/deferred.tsx), and the dialog
// renders the same button as its trigger once mounted.
import { FileText, History, Pencil, Plus, SearchCheck, Trash2, Upload } from "lucide-react";
import type { Ref } from "react";
import { Button } from "@/components/ui/button";

export const historyTrigger = (name: string) => (
  <Button variant="ghost" size="icon" aria-label={`History ${name}`} title={`History of ${name}`}>
    <History className="size-4" aria-hidden />
  </Button>
);

export const checkValueTrigger = (name: string) => (
  <Button variant="ghost" size="icon" aria-label={`Check ${name}`} title={`Check a value against ${name}`}>
    <SearchCheck className="size-4" aria-hidden />
  </Button>
);

export const rotateTrigger = (name: string) => (
  <Button variant="ghost" size="icon" aria-label={`Rotate ${name}`} title={`Rotate ${name}`} data-row-action>
    <Pencil className="size-4" aria-hidden />
  </Button>
);

export const editDetailsTrigger = (name: string) => (
  <Button variant="ghost" size="icon" aria-label={`Edit ${name}`} title={`Edit details of ${name}`}>
    <FileText className="size-4" aria-hidden />
  </Button>
);

export const deleteTrigger = (name: string) => (
  <Button variant="ghost" size="icon" aria-label={`Delete ${name}`} title={`Delete ${name}`} className="hover:text-red-700">
    <Trash2 className="size-4" aria-hidden />
  </Button>
);

export const importTrigger = () => (
  <Button variant="secondary">
    <Upload className="size-4" aria-hidden />
    Import
  </Button>
);

export const newSecretTrigger = (ref?: Ref<HTMLButtonElement>) => (
  <Button ref={ref}>
    <Plus className="size-4" aria-hidden />
    New secret
  </Button>
);
