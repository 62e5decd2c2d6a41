"use client";
import { AuthForm } from "@/components/auth/auth-form";
import { createTeamAction } from "@/app/teams/actions";

export function CreateTeamForm() {
  return (
    <AuthForm
      action={createTeamAction}
      submitLabel="Create team"
      fields={[{ name: "name", label: "Team name", type: "text", autoComplete: "organization" }]}
    />
  );
}
