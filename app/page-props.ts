// The props Next.js hands a page: its route's params and its query string, both as promises.
export type TSearchParams = Record<string, string | string[] | undefined>;
export type TPageProps<TParams> = { params: Promise<TParams>; searchParams: Promise<TSearchParams> };
