import type { IncomingMessage, ServerResponse } from "node:http";
export declare const MACHINE_API: unique symbol;
export declare function machineApiRoute(method: string | undefined, url: string | undefined): { name: string | null } | null;
export declare function toWebRequest(req: IncomingMessage): Request;
export declare const SECURITY_HEADERS: Record<string, string>;
export declare function sendWebResponse(res: ServerResponse, response: Response): Promise<void>;
