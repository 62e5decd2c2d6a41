import type { IncomingMessage, ServerResponse } from "node:http";
export declare const MACHINE_API: unique symbol;
export declare function machineApiRoute(method: string | undefined, url: string | undefined): { name: string | null } | null;
export declare function machineRequest(req: IncomingMessage): { url: string; headers: { get(name: string): string | null } };
export declare const SECURITY_HEADERS: Record<string, string>;
export declare function sendMachineResponse(res: ServerResponse, answer: { status: number; headers: Record<string, string>; body: string }): void;
