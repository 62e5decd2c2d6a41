// How the browser reads a team's list data from the app's route handlers (app/api/teams/[team]/...): never
// cached by the browser, and a refused or failed answer becomes an Error whose message is written for users.
export const teamApiPath = (teamSlug: string, path: string) => `/api/teams/${encodeURIComponent(teamSlug)}/${path}`;

export async function fetchTeamData<T>(url: string, what: string, notFound?: string): Promise<T> {
  const res = await fetch(url, { cache: "no-store" });
  if (!res.ok) {
    if (res.status === 401) throw new Error("Your session has ended. Sign in again.");
    if (res.status === 404 && notFound) throw new Error(notFound);
    throw new Error(`Could not load ${what}.`);
  }
  return (await res.json()) as T;
}
