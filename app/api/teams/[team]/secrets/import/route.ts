// Bulk import with progress (issue 10 item 7): the same import as importSecretsAction — one transaction, up
// to 10,000 entries, authorized by the DAL — answered as a stream of NDJSON lines, `{"type":"progress",
// "done","total"}` after each chunk and a final `{"type":"result", ...ActionResult}`, so the dialog can show
// a real progress bar. A refusal before anything is written (signed out, not a manager, a file that does not
// parse) is a plain JSON answer with its HTTP status. Counts and names only: no value is ever sent back.
// A cookie-authenticated POST, so it is same-origin only (as Next checks server actions) and JSON only.
import { revalidatePath } from "next/cache";
import type { NextRequest } from "next/server";
import { importSecrets } from "@/lib/dal/secret-import";
import { AppError, HTTP_STATUS, type ActionResult } from "@/lib/errors";
import { requestMeta } from "@/lib/request-meta";
import { logError } from "@/lib/log";
import { jsonResponse } from "@/lib/route-handler";
import { UNAUTHENTICATED, validationFailure } from "@/lib/server-action";
import { actorOf, currentUser } from "@/lib/session";
import { ZImportSecretsInput } from "@/lib/validation/secret-import";
import { z } from "zod";
import type { TImportResult } from "@/lib/types/secret-import";

const json = (body: ActionResult<never>, status: number) => jsonResponse(body, status);

function failureOf(err: unknown): ActionResult<never> {
  if (err instanceof AppError) return { ok: false, code: err.code, message: err.message, fieldErrors: err.fieldErrors };
  logError("POST secrets/import", err);
  return { ok: false, code: "unexpected", message: "Something went wrong. Nothing was imported; please try again." };
}

function isSameOrigin(req: NextRequest): boolean {
  const origin = req.headers.get("origin");
  if (!origin) return false;
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? req.nextUrl.host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export async function POST(req: NextRequest, { params }: { params: Promise<{ team: string }> }) {
  const user = await currentUser();
  if (!user) return json(UNAUTHENTICATED, HTTP_STATUS.unauthenticated);
  if (!isSameOrigin(req) || !req.headers.get("content-type")?.startsWith("application/json")) {
    return json({ ok: false, code: "forbidden", message: "Cross-origin requests are refused." }, HTTP_STATUS.forbidden);
  }
  const { team } = await params;
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return json(validationFailure({ text: ["Upload a file or paste its contents."] }), HTTP_STATUS.validation);
  }
  const parsed = ZImportSecretsInput.safeParse(body);
  if (!parsed.success) return json(validationFailure(z.flattenError(parsed.error).fieldErrors as Record<string, string[]>), HTTP_STATUS.validation);

  const encoder = new TextEncoder();
  const queued: string[] = [];
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  const send = (line: object) => {
    const text = `${JSON.stringify(line)}\n`;
    if (controller) controller.enqueue(encoder.encode(text));
    else queued.push(text);
  };
  let started!: () => void;
  const firstProgress = new Promise<void>((resolve) => (started = resolve));
  const run: Promise<TImportResult> = importSecrets({
    actor: actorOf(user),
    teamSlug: team,
    ...parsed.data,
    meta: await requestMeta(),
    onProgress: (done, total) => {
      started();
      send({ type: "progress", done, total });
    },
  });
  const outcome = run.then(
    (data) => ({ ok: true, data }) as const,
    (err: unknown) => failureOf(err),
  );
  // Authorization and parsing happen before the first progress line: their refusals get a status code.
  const early = await Promise.race([firstProgress.then(() => null), outcome]);
  if (early && !early.ok) return json(early, HTTP_STATUS[early.code]);

  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      for (const text of queued) c.enqueue(encoder.encode(text));
      void outcome.then((result) => {
        if (result.ok) revalidatePath(`/teams/${team}/settings/secrets`);
        send({ type: "result", ...result });
        c.close();
      });
    },
  });
  return new Response(stream, { headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store" } });
}
