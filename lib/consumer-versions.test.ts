// The row's wording for consumers on an old version ("2 of 5 consumers still on v3"), from fixed inputs.
import { describe, expect, it } from "vitest";
import { consumerState, summarizeConsumerVersions, versionList, type TConsumerVersion } from "./consumer-versions";

const c = (version: number | null, i = 0): TConsumerVersion => ({
  kind: "token",
  id: `id-${i}-${version}`,
  name: `t${i}`,
  href: "/x",
  version,
  lastFetchedAt: version === null ? null : "2026-12-02T10:00:00.000Z",
});

describe("summarizeConsumerVersions", () => {
  it('says "2 of 5 consumers still on v3" and counts only consumers on an older version', () => {
    const s = summarizeConsumerVersions(4, [c(3, 1), c(3, 2), c(4, 3), c(4, 4), c(null, 5)]);
    expect(s).toMatchObject({ behind: 2, summary: "2 of 5 consumers still on v3" });
  });

  it("has no summary when nobody is behind, including consumers that never fetched", () => {
    expect(summarizeConsumerVersions(2, [c(2), c(null, 1)])).toMatchObject({ behind: 0, summary: null });
    expect(summarizeConsumerVersions(1, [])).toMatchObject({ behind: 0, summary: null });
  });

  it("uses the singular for one consumer and names several old versions", () => {
    expect(summarizeConsumerVersions(2, [c(1)]).summary).toBe("1 of 1 consumer still on v1");
    expect(summarizeConsumerVersions(5, [c(1, 1), c(3, 2), c(3, 3), c(4, 4)]).summary).toBe("4 of 4 consumers still on v1, v3 or v4");
    expect(versionList([3, 2, 3])).toBe("v2 or v3");
  });

  it("tells each consumer's state", () => {
    expect([consumerState(c(1), 2), consumerState(c(2), 2), consumerState(c(null), 2)]).toEqual(["behind", "current", "not_fetched"]);
  });
});
