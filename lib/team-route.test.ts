// The read-route frame (lib/team-route.ts) every settings list goes through: it authenticates before it reads,
// refuses a malformed team slug without reading, never lets a cache keep an answer, and answers an unexpected
// failure generically. Which roles may read what is the authorization matrix's (tests/integration).
import { beforeEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import { expectGenericFailure } from "@/tests/support/unexpected";

const signedIn = vi.hoisted(() => ({ user: null as { id: string; name: string; email: string } | null }));
vi.mock("server-only", () => ({}));
vi.mock("@/lib/session", () => ({
  currentUser: vi.fn(async () => signedIn.user),
  actorOf: (u: { id: string; email: string }) => ({ id: u.id, label: u.email }),
}));

const { teamReadRoute } = await import("@/lib/team-route");

const call = (read: Parameters<typeof teamReadRoute>[1], team = "acme") =>
  teamReadRoute("test read", read)(new Request(`http://localhost/api/teams/${team}/x`), { params: Promise.resolve({ team }) });

beforeEach(() => {
  signedIn.user = { id: "u1", name: "Ann", email: "ann@example.com" };
});

describe("teamReadRoute", () => {
  it("answers the DTO as no-store JSON, read as the signed-in actor for the slug", async () => {
    const read = vi.fn(async () => ({ items: [1, 2] }));
    const res = await call(read);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ items: [1, 2] });
    expect(read).toHaveBeenCalledWith(expect.objectContaining({ actor: { id: "u1", label: "ann@example.com" }, teamSlug: "acme" }));
  });

  it("reads nothing for a signed-out caller (401) or a malformed team slug (404)", async () => {
    const read = vi.fn(async () => ({}));
    signedIn.user = null;
    const out = await call(read);
    expect(out.status).toBe(401);
    expect(await out.json()).toEqual({ error: "unauthenticated" });
    signedIn.user = { id: "u1", name: "Ann", email: "ann@example.com" };
    const bad = await call(read, "x".repeat(81));
    expect(bad.status).toBe(404);
    expect(read).not.toHaveBeenCalled();
  });

  it("turns the DAL's refusals into their statuses with the DAL's message", async () => {
    const forbidden = await call(async () => {
      throw new AppError("forbidden", "Only Owners and Admins can do that.");
    });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ error: "forbidden", message: "Only Owners and Admins can do that." });
    const missing = await call(async () => {
      throw new AppError("not_found", "Team not found.");
    });
    expect(missing.status).toBe(404);
  });

  it("answers an unexpected failure with a generic 500 that carries none of its message", async () => {
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      const res = await call(async () => {
        throw new Error("value sk_live_do_not_echo in a driver message");
      });
      await expectGenericFailure(res, "sk_live_do_not_echo");
    } finally {
      stdout.mockRestore();
    }
  });
});
