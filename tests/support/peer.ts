// What server.mjs does for every request, for tests that call route handlers and actions directly: it sets
// PEER_HEADER from the socket and raises the flag that makes the app believe it. A test then says "this
// request came from that address" with peerHeaders(); anything in X-Forwarded-For is what a client sent.
import { PEER_FLAG, PEER_HEADER } from "@/lib/client-address";

(globalThis as Record<symbol, unknown>)[PEER_FLAG] = true;

export { PEER_HEADER };
export const peerHeaders = (peer: string, extra: Record<string, string> = {}) => ({ ...extra, [PEER_HEADER]: peer });
