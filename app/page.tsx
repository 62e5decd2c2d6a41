import Link from "next/link";
import { redirect } from "next/navigation";
import { currentUser } from "@/lib/session";

export default async function Home() {
  if (await currentUser()) redirect("/teams");
  return (
    <main className="mx-auto flex min-h-screen max-w-2xl flex-col justify-center px-6">
      <h1 className="text-4xl font-bold tracking-tight">Team Secrets</h1>
      <p className="mt-4 text-lg text-slate-600">
        Keep your team&apos;s API keys, tokens and passwords encrypted. Software uses them by name; people never see them again.
      </p>
      <div className="mt-8 flex gap-3">
        <Link href="/sign-up" className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-on-accent hover:bg-indigo-500">
          Create account
        </Link>
        <Link href="/sign-in" className="rounded-md px-4 py-2 text-sm font-semibold ring-1 ring-slate-300 hover:bg-white">
          Sign in
        </Link>
      </div>
    </main>
  );
}
