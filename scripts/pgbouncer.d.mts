export const PGBOUNCER_BIN: string | null;
export type TPgBouncer = { url: string; version: string; stop: () => Promise<void>; log: () => string };
export function startPgBouncer(opts: { databaseUrl: string; port: number; dir: string; poolSize?: number }): Promise<TPgBouncer>;
