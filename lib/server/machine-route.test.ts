import { describe, expect, it } from "vitest";
import { machineApiRoute, machineRequest, sendMachineResponse } from "./machine-route.mjs";

describe("machineApiRoute (server.mjs's direct machine path)", () => {
  it("takes only GET of the exact list and one-name forms", () => {
    expect(machineApiRoute("GET", "/api/v1/secrets")).toEqual({ name: null });
    expect(machineApiRoute("GET", "/api/v1/secrets?values=false")).toEqual({ name: null });
    expect(machineApiRoute("GET", "/api/v1/secrets/DB_URL")).toEqual({ name: "DB_URL" });
    expect(machineApiRoute("GET", "/api/v1/secrets/db_url?x=1")).toEqual({ name: "db_url" });
  });

  it("leaves every other form to Next's router", () => {
    for (const url of [
      "/api/v1/secrets/",
      "/api/v1/secrets//DB_URL",
      "/api/v1/secrets/DB_URL/",
      "/api/v1/secrets/DB%5FURL",
      "/api/v1/secrets/%2e%2e",
      "/api/v1/secrets/../secrets",
      "/api/v1/secrets/a/b",
      "/API/v1/secrets",
      "/api/v1/secretsX",
      "//api/v1/secrets",
      "http://evil.example/api/v1/secrets",
      "/api/v1/secrets/" + "A".repeat(65),
      "/api/v1/secrets#x",
    ]) {
      expect(machineApiRoute("GET", url), url).toBeNull();
    }
    for (const method of ["POST", "PUT", "DELETE", "HEAD", "OPTIONS", undefined]) {
      expect(machineApiRoute(method, "/api/v1/secrets"), String(method)).toBeNull();
    }
    expect(machineApiRoute("GET", undefined)).toBeNull();
  });

  it("passes every header through and writes status, headers and body with the security headers", () => {
    const req = machineRequest({ url: "/api/v1/secrets?values=false", headers: { authorization: "Bearer t", "x-a": ["1", "2"] } } as never);
    expect(req.headers.get("authorization")).toBe("Bearer t");
    expect(req.headers.get("Authorization")).toBe("Bearer t");
    expect(req.headers.get("x-a")).toBe("1, 2");
    expect(req.headers.get("x-missing")).toBeNull();
    expect(new URL(req.url).searchParams.get("values")).toBe("false");

    let status = 0;
    let headers: Record<string, string> = {};
    const bodies: unknown[] = [];
    const res = {
      writeHead: (s: number, h: Record<string, string>) => ((status = s), (headers = h)),
      end: (b: unknown) => bodies.push(b),
    };
    const body = JSON.stringify({ ok: 1, note: "é" });
    sendMachineResponse(res as never, { status: 429, headers: { "retry-after": "3", "cache-control": "no-store" }, body });
    expect(status).toBe(429);
    expect(headers["retry-after"]).toBe("3");
    expect(headers["cache-control"]).toBe("no-store");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    // One end() with the text (node joins it to the header block: one write), its length in bytes.
    expect(bodies).toEqual([body]);
    expect(headers["content-length"]).toBe(String(Buffer.byteLength(body)));
    expect(JSON.parse(bodies[0] as string)).toEqual({ ok: 1, note: "é" });
  });
});
