import { redirect } from "next/navigation";
import { CreateTeamForm } from "@/components/teams/create-team-form";
import { listTeamsForUser } from "@/lib/dal/teams";
import { currentUser } from "@/lib/session";

export const metadata = { title: "Teams" };

// Lands a signed-in user on their first team, or asks them to create one.
export default async function TeamsPage() {
  const user = await currentUser();
  if (!user) redirect("/sign-in?next=/teams");
  const teams = await listTeamsForUser(user.id);
  if (teams[0]) redirect(`/teams/${teams[0].slug}/settings/secrets`);
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-6 py-12">
      <h1 className="text-2xl font-bold">Create your team</h1>
      <p className="mt-2 text-sm text-slate-600">You are not in a team yet. Create one: you will be its Owner.</p>
      <div className="mt-6">
        <CreateTeamForm />
      </div>
    </main>
  );
}
