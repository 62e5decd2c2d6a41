// Runs once when the server starts: refuses to start without usable keys in production, and applies
// pending migrations before the first request. NEXT_RUNTIME is Next's own build-time switch (the one
// environment read outside lib/env.ts besides next.config.ts).
import type { Instrumentation } from "next";

export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startUp } = await import("./lib/startup");
  await startUp();
}

// Every error Next catches while rendering a page or running a route handler or server action, logged by
// kind, code and location with the route's pattern (never the request's path, which can hold a token).
// Next prints the error object after this too; db/errors.ts makes sure that object carries no parameters.
export const onRequestError: Instrumentation.onRequestError = async (err, request, context) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { log } = await import("./lib/log");
  const digest = (err as { digest?: unknown } | null)?.digest;
  log.error(
    {
      where: "request",
      method: request.method,
      route: context.routePath,
      routeType: context.routeType,
      renderSource: context.renderSource,
      digest: typeof digest === "string" ? digest : undefined,
      err,
    },
    "request error",
  );
};
