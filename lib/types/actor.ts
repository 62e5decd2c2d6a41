// Who acts, and from where: the DAL takes these with every write and audits them. Type-only (no runtime
// code, no server-only): the action frame, the session helpers, jobs and the DAL all name them, so they sit
// below every layer that does.

/** A signed-in user acting: the id audits and authorizes, the label is what the audit log shows. */
export type TActor = { id: string; label: string };
/** A non-user actor (an access token, `keys rotate`): no user id, named by its label. */
export type TMachineActor = { id: null; label: string };
/** The client address (lib/client-address.ts) and user agent of the request, for audit events and rate limits. */
export type TRequestMeta = { ip: string | null; userAgent: string | null };
