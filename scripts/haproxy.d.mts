export const HAPROXY_BIN: string | null;
export type THaproxy = { url: string; stop: () => Promise<void>; log: () => string };
export function startHaproxy(opts: { port: number; backends: { name: string; port: number }[]; dir: string }): Promise<THaproxy>;
