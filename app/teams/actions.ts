"use server";
// Creating a team makes the caller its Owner and lands them on its Team secrets page.
import { redirect } from "next/navigation";
import { z } from "zod";
import { createTeam } from "@/lib/dal/teams";
import type { ActionResult } from "@/lib/errors";
import { requestMeta } from "@/lib/request-meta";
import { toActionResult, UNAUTHENTICATED, validationFailure } from "@/lib/server-action";
import { actorOf, currentUser } from "@/lib/session";
import { ZTeamName } from "@/lib/validation/secrets";

export async function createTeamAction(formData: FormData): Promise<ActionResult> {
  const parsed = z.object({ name: ZTeamName }).safeParse({ name: formData.get("name") });
  if (!parsed.success) return validationFailure(z.flattenError(parsed.error).fieldErrors);
  const user = await currentUser();
  if (!user) return UNAUTHENTICATED;
  const meta = await requestMeta();
  const result = await toActionResult("createTeam", () => createTeam(actorOf(user), parsed.data.name, meta));
  if (!result.ok) return result;
  // ?created=1: the page confirms the new team and shows the first steps (once; the table drops the flag from the URL).
  redirect(`/teams/${result.data.slug}/settings/secrets?created=1`);
}

/** createTeamAction for `<form action>` without scripts (useActionState's shape); a success redirects. */
export async function createTeamFormAction(_prev: ActionResult | null, formData: FormData): Promise<ActionResult | null> {
  return createTeamAction(formData);
}
