"use client";
import { AuthForm } from "@/components/auth/auth-form";
import { createTeamAction, createTeamFormAction } from "@/app/teams/actions";

export function CreateTeamForm() {
  return (
    <AuthForm
      action={createTeamAction}
      formAction={createTeamFormAction}
      submitLabel="Create team"
      fields={[{ name: "name", label: "Team name", type: "text", autoComplete: "organization" }]}
    />
  );
}
