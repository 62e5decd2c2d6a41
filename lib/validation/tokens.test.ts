import { describe, expect, it } from "vitest";
import { expiryDate, normalizeCidr, ZCreateTokenInput } from "./tokens";
import { UNSAFE_ENV_NAMES, UNSAFE_ENV_PREFIXES } from "./unsafe-env-names.mjs";

const base = { name: "ci deploy", secrets: [{ name: "STRIPE_API_KEY" }], expires: "90" };

describe("normalizeCidr", () => {
  it.each([
    ["10.1.2.3/8", "10.0.0.0/8"],
    ["203.0.113.7", "203.0.113.7/32"],
    ["2001:db8::1/32", "2001:db8::/32"],
    ["::1", "::1/128"],
  ])("%s -> %s", (input, out) => expect(normalizeCidr(input)).toBe(out));

  it.each(["", "10.0.0.0/33", "300.1.1.1", "example.com", "10.0.0.0/", "1.2.3.4/-1"])("rejects %j", (input) => {
    expect(normalizeCidr(input)).toBeNull();
  });
});

describe("ZCreateTokenInput", () => {
  it("accepts a token with defaults", () => {
    const r = ZCreateTokenInput.parse({ name: " ci ", secrets: [{ name: "A", env: "" }], cidrs: "10.0.0.0/8, 192.168.1.1\n10.0.0.0/8" });
    expect(r).toEqual({ name: "ci", secrets: [{ name: "A", env: "" }], expires: "90", cidrs: ["10.0.0.0/8", "192.168.1.1/32"] });
  });

  it("refuses no secrets, bad env names, duplicate env names and bad ranges", () => {
    expect(ZCreateTokenInput.safeParse({ ...base, secrets: [] }).success).toBe(false);
    expect(ZCreateTokenInput.safeParse({ ...base, secrets: [{ name: "A", env: "1X" }] }).success).toBe(false);
    expect(ZCreateTokenInput.safeParse({ ...base, secrets: [{ name: "A", env: "B" }, { name: "B" }] }).success).toBe(false);
    expect(ZCreateTokenInput.safeParse({ ...base, secrets: [{ name: "A" }, { name: "a" }] }).success).toBe(false);
    expect(ZCreateTokenInput.safeParse({ ...base, cidrs: "10.0.0.0/8 nope" }).success).toBe(false);
    expect(ZCreateTokenInput.safeParse({ ...base, expires: "400" }).success).toBe(false);
    expect(ZCreateTokenInput.safeParse({ ...base, name: "" }).success).toBe(false);
  });

  it("expiry: days from now, or never", () => {
    const now = Date.UTC(2030, 0, 1);
    expect(expiryDate("90", now)?.toISOString()).toBe("2030-04-01T00:00:00.000Z");
    expect(expiryDate("never", now)).toBeNull();
  });
});

describe("environment names that change how programs load or run", () => {
  const messages = (input: unknown) => {
    const r = ZCreateTokenInput.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => i.message);
  };
  const unsafe = [
    ...["NODE_OPTIONS", "LD_PRELOAD", "LD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES", "BASH_ENV", "ENV", "PATH", "IFS", "PS4"],
    ...["SHELLOPTS", "PYTHONPATH", "PYTHONSTARTUP", "PERL5OPT", "PERL5LIB", "RUBYOPT", "RUBYLIB", "JAVA_TOOL_OPTIONS"],
    ...["_JAVA_OPTIONS", "GIT_SSH_COMMAND", "GIT_CONFIG_COUNT", "GIT_EXEC_PATH", "GCONV_PATH", "GLIBC_TUNABLES"],
    ...["npm_config_script_shell", "node_options", "Path", "OPENSSL_CONF", "DOTNET_STARTUP_HOOKS", "LESSOPEN"],
    ...UNSAFE_ENV_NAMES,
    ...UNSAFE_ENV_PREFIXES.map((p) => `${p}X`),
  ];

  it.each(unsafe)("refuses %s as a token's environment name, saying why", (env) => {
    const m = messages({ ...base, secrets: [{ name: "STRIPE_API_KEY", env }] });
    expect(m).toEqual([expect.stringContaining("changes how programs load or run")]);
    expect(m[0]).toContain(env);
  });

  it("refuses a secret bound under its own name when that name is one of them", () => {
    const m = messages({ ...base, secrets: [{ name: "NODE_OPTIONS" }] });
    expect(m).toEqual([expect.stringMatching(/NODE_OPTIONS cannot be used as an environment name.*Bind NODE_OPTIONS under another/)]);
    // ...and accepts it under another name.
    expect(messages({ ...base, secrets: [{ name: "NODE_OPTIONS", env: "APP_NODE_FLAGS" }] })).toEqual([]);
  });

  it.each(["DATABASE_URL", "STRIPE_API_KEY", "GITHUB_TOKEN", "AUTH_SECRET", "PATHWAY_KEY", "LDAP_PASSWORD", "ENVOY_TOKEN", "HOMEBREW_TOKEN"])(
    "accepts %s",
    (env) => expect(messages({ ...base, secrets: [{ name: "STRIPE_API_KEY", env }] })).toEqual([]),
  );
});
