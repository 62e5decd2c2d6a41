// Route handlers turn failures into statuses through lib/errors.ts's one table: each code keeps its meaning
// over HTTP (a validation failure is 422 and a rate limit 429, not the 404 every non-forbidden code got).
import { describe, expect, it, vi } from "vitest";
import { AppError, HTTP_STATUS, type TErrorCode } from "@/lib/errors";
import { failureResponse, unauthenticatedResponse } from "@/lib/route-handler";
import { expectGenericFailure } from "@/tests/support/unexpected";

const CODES: TErrorCode[] = ["unauthenticated", "not_found", "forbidden", "validation", "conflict", "stale", "rate_limited"];

describe("route handler failures", () => {
  it("give each AppError code its own status, with the code and the user-facing message", async () => {
    const expected = { unauthenticated: 401, not_found: 404, forbidden: 403, validation: 422, conflict: 409, stale: 409, rate_limited: 429 };
    for (const code of CODES) {
      const res = failureResponse("test", new AppError(code, `message for ${code}`));
      expect(res.status, code).toBe(expected[code]);
      expect(res.status).toBe(HTTP_STATUS[code]);
      expect(await res.json()).toEqual({ error: code, message: `message for ${code}` });
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
  });

  it("answer an unexpected error with a generic 500 that carries none of its message", async () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      const res = failureResponse("test", new Error("password=hunter2 leaked into a message"));
      await expectGenericFailure(res, "hunter2");
    } finally {
      out.mockRestore();
    }
  });

  it("answer a missing session with 401", async () => {
    const res = unauthenticatedResponse();
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "unauthenticated" });
  });
});
