import { describe, expect, it } from "vitest";
import { oauthRefusal } from "./oauth";

describe("oauthRefusal", () => {
  it("refuses OpenID sign-ins whose provider did not verify the email", () => {
    expect(oauthRefusal("oidc", { email: "a@example.com" }, "a@example.com")).toBe("EmailNotVerified");
    expect(oauthRefusal("oidc", { email: "a@example.com", email_verified: false }, "a@example.com")).toBe("EmailNotVerified");
    expect(oauthRefusal("oidc", { email: "a@example.com", email_verified: "true" }, "a@example.com")).toBe("EmailNotVerified");
  });
  it("accepts verified OpenID emails and plain OAuth providers", () => {
    expect(oauthRefusal("oidc", { email: "a@example.com", email_verified: true }, "a@example.com")).toBeNull();
    expect(oauthRefusal("oauth", { email: "a@example.com" }, "a@example.com")).toBeNull();
  });
  it("refuses a sign-in without an email", () => {
    expect(oauthRefusal("oauth", {}, "")).toBe("AccessDenied");
  });
});
