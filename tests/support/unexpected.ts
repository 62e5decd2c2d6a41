// What a route answers when something unexpected fails (lib/route-handler.ts): one generic 500 that carries
// nothing of the error's message, whatever the route.
import { expect } from "vitest";

/** Asserts `res` is that 500, and that its body holds nothing of `leaked` (text from the error's message). */
export async function expectGenericFailure(res: Response, leaked: string): Promise<void> {
  expect(res.status).toBe(500);
  const body = await res.text();
  expect(JSON.parse(body)).toEqual({ error: "unexpected", message: "Something went wrong." });
  expect(body).not.toContain(leaked);
}
