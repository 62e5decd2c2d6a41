// Consumers on an old version: the pure part (imports nothing of ours), shared by the DAL's DTOs, the
// secrets table, the Rotate and History dialogs. A consumer is "behind" when the version it last received
// is older than the secret's current one; a consumer that has not received the secret yet holds no old
// value, so it is not behind (see lib/dal/consumer-versions.ts for who counts as a consumer).

export type TConsumerVersion = {
  kind: "webhook" | "token";
  id: string;
  name: string;
  /** Where the consumer is managed (the Access tokens or Webhooks page). */
  href: string;
  /** The version it last received; null: not fetched yet. */
  version: number | null;
  lastFetchedAt: string | null;
};

export type TConsumerVersions = {
  /** Every consumer (the secret's Used by), with what it last received. */
  consumers: TConsumerVersion[];
  /** How many are behind (on a version older than the current one). */
  behind: number;
  /** "2 of 5 consumers still on v3"; null when none is behind. */
  summary: string | null;
};

/** "v3", "v2 or v3", "v1, v2 or v3". */
export function versionList(versions: readonly number[]): string {
  const v = [...new Set(versions)].sort((a, b) => a - b).map((n) => `v${n}`);
  return v.length <= 1 ? (v[0] ?? "") : `${v.slice(0, -1).join(", ")} or ${v[v.length - 1]}`;
}

export const isBehind = (c: Pick<TConsumerVersion, "version">, currentVersion: number) => c.version !== null && c.version < currentVersion;

export function summarizeConsumerVersions(currentVersion: number, consumers: TConsumerVersion[]): TConsumerVersions {
  const behind = consumers.filter((c) => isBehind(c, currentVersion));
  const total = consumers.length;
  return {
    consumers,
    behind: behind.length,
    summary: behind.length
      ? `${behind.length} of ${total} consumer${total === 1 ? "" : "s"} still on ${versionList(behind.map((c) => c.version!))}`
      : null,
  };
}

/** What one consumer's line says: "on v3, fetched …" is left to the caller's date format. */
export function consumerState(c: Pick<TConsumerVersion, "version">, currentVersion: number): "current" | "behind" | "not_fetched" {
  if (c.version === null) return "not_fetched";
  return c.version < currentVersion ? "behind" : "current";
}
