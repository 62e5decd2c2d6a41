// A visible note wherever a role meets a capability it does not have, saying who can do it instead
// (GitHub's "You need admin access…"). Plain text with an icon; never only for screen readers.
import { Info } from "lucide-react";
import type { ReactNode } from "react";

export function RoleNotice({ children }: { children: ReactNode }) {
  return (
    <p role="note" className="flex items-start gap-2 rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-800 ring-1 ring-inset ring-sky-200">
      <Info className="mt-0.5 size-4 shrink-0" aria-hidden />
      <span>{children}</span>
    </p>
  );
}
