// What a list shows when its query failed before any data arrived (the fetcher's message, written for users).
export function QueryError({ error }: { error: Error | null }) {
  return error ? (
    <p role="alert" className="text-sm text-red-700">
      {error.message}
    </p>
  ) : null;
}
