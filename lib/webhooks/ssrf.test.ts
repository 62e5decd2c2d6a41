import { describe, expect, it } from "vitest";
import { allowedHostsFromEnv, checkDestination, classifyAddress, DestinationError, hostMatches } from "./ssrf";

const none = new Set<string>();
const refused = (url: string, allow: ReadonlySet<string> = none) => {
  try {
    checkDestination(url, allow);
  } catch (err) {
    expect(err).toBeInstanceOf(DestinationError);
    return (err as Error).message;
  }
  throw new Error(`expected ${url} to be refused`);
};

describe("classifyAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local or metadata"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.100.100.200", "carrier-grade NAT"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["fe80::1", "link-local"],
    ["fd00:ec2::254", "unique local"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:8.8.8.8", "IPv4-mapped"],
    ["64:ff9b::a00:1", "private"],
    ["2002:7f00:1::", "loopback"],
    ["255.255.255.255", "broadcast"],
    ["224.0.0.1", "multicast"],
    // Deprecated and transitional IPv6 forms: each names what the embedded IPv4 address is, or is refused.
    ["::7f00:1", "loopback"],
    ["::a00:1", "private"],
    ["::808:808", "IPv4-compatible"],
    ["::ffff:0:7f00:1", "loopback"],
    ["64:ff9b::7f00:1", "loopback"],
    ["64:ff9b:1::a00:1", "NAT64"],
    ["2002:a9fe:a9fe::1", "link-local"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"],
    ["fec0::1", "site-local"],
    ["100::1", "discard"],
    ["2001:db8::1", "reserved"],
    ["::2", "unspecified"],
    ["4000::1", "reserved"],
  ])("%s is refused (%s)", (address, word) => {
    expect(classifyAddress(address)).toContain(word);
  });
  it.each(["93.184.216.34", "8.8.8.8", "2606:4700::1111"])("%s is public", (address) => {
    expect(classifyAddress(address)).toBeNull();
  });
});

describe("checkDestination", () => {
  it.each([
    "http://127.0.0.1/",
    "http://127.0.0.2:8080/x",
    "http://0x7f000001/",
    "http://2130706433/",
    "http://017700000001/",
    "http://127.1/",
    "http://127.0.0.%31/",
    "http://127.0.0.1./",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/",
    "http://100.64.0.1/",
    "http://10.0.0.1/",
    "http://0.0.0.0/",
    "http://0/",
    "http://[::]/",
    "http://localhost/",
    "http://api.localhost/",
    "ftp://example.com/",
    "file:///etc/passwd",
    "https://user:pw@example.com/",
    "not a url",
  ])("refuses %s", (url) => {
    expect(refused(url)).toBeTruthy();
  });

  // Issue 9 item 11: forms the first check let through. Each gets the message every non-public host gets.
  it.each([
    "http://[::7f00:1]/",
    "http://[::127.0.0.1]/",
    "http://[::7f00:1]:8080/x",
    "http://[::a9fe:a9fe]/latest/meta-data/",
    "http://[::ffff:0:7f00:1]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::]/",
    "http://[fec0::1]/",
    "http://[::8.8.8.8]/",
    "http://localhost./",
    "http://localhost../",
    "http://LocalHost./",
    "http://LOCALHOST:80/",
    "http://api.localhost./",
    "http://127.0.0.1./",
    "http://printer.local./",
    "http://metadata.google.internal/",
    "http://router.home.arpa./",
    "http://metadata/",
    "http://intranet./",
  ])("refuses %s as a non-public host", (url) => {
    expect(refused(url)).toMatch(/ is (a|an) [^;]+; webhooks can only be sent to public hosts\.$/);
  });

  it("admits public hosts and names (names are checked again at connect time)", () => {
    expect(checkDestination("https://hooks.example.com/x?a=1", none).isAllowlisted).toBe(false);
    expect(checkDestination("http://93.184.216.34/", none).host).toBe("93.184.216.34");
  });

  it("WEBHOOK_ALLOWED_HOSTS admits exactly the named hosts, never another spelling or neighbour", () => {
    const allow = allowedHostsFromEnv(" 127.0.0.1 , Receiver.Test,[::1]");
    expect(checkDestination("http://127.0.0.1:9999/x", allow).isAllowlisted).toBe(true);
    expect(checkDestination("http://receiver.test/", allow).isAllowlisted).toBe(true);
    expect(checkDestination("http://[::1]:80/", allow).isAllowlisted).toBe(true);
    expect(refused("http://127.0.0.2:9999/", allow)).toContain("loopback");
    expect(refused("http://0x7f000001:9999/", allow)).toContain("usual form");
    expect(refused("http://2130706433/", allow)).toContain("usual form");
    expect(refused("http://[::ffff:127.0.0.1]/", allow)).toContain("loopback");
    expect(refused("http://localhost/", allow)).toContain("loopback");
    // A trailing dot names the same host: admitted when the name is, refused when it is not.
    expect(checkDestination("http://receiver.test./", allow).isAllowlisted).toBe(true);
    expect(refused("http://localhost./", allow)).toContain("loopback");
  });
});

describe("hostMatches", () => {
  it("matches exact hosts and *. sub-domains", () => {
    expect(hostMatches("api.stripe.com", ["API.stripe.com"])).toBe(true);
    expect(hostMatches("hooks.example.com", ["*.example.com"])).toBe(true);
    expect(hostMatches("example.com", ["*.example.com"])).toBe(false);
    expect(hostMatches("evil-example.com", ["*.example.com"])).toBe(false);
    expect(hostMatches("api.stripe.com.evil.io", ["api.stripe.com"])).toBe(false);
    expect(hostMatches("127.0.0.1", ["127.0.0.1"])).toBe(true);
    expect(hostMatches("api.stripe.com.", ["api.stripe.com"])).toBe(true);
    expect(hostMatches("hooks.example.com.", ["*.example.com"])).toBe(true);
  });
});
