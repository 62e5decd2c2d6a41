// Runs once when the server starts: refuses to start without usable keys in production, and applies
// pending migrations before the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startUp } = await import("./lib/startup");
  await startUp();
}
