import { redirect } from "next/navigation";
import { CreateTeamForm } from "@/components/teams/create-team-form";
import { currentUser } from "@/lib/session";

export const metadata = { title: "New team" };

export default async function NewTeamPage() {
  if (!(await currentUser())) redirect("/sign-in?next=/teams/new");
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-6 py-12">
      <h1 className="text-2xl font-bold">Create a team</h1>
      <p className="mt-2 text-sm text-slate-600">You will be its Owner.</p>
      <div className="mt-6">
        <CreateTeamForm />
      </div>
    </main>
  );
}
