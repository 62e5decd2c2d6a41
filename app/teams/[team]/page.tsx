import { redirect } from "next/navigation";

export default async function TeamIndex({ params }: { params: Promise<{ team: string }> }) {
  const { team } = await params;
  redirect(`/teams/${encodeURIComponent(team)}/settings/secrets`);
}
