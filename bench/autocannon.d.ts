// The part of autocannon's result bench/api.ts reads (the package ships no types).
declare module "autocannon" {
  type TResult = {
    requests: { average: number };
    latency: { p50: number; p99: number };
    errors: number;
    non2xx: number;
    timeouts: number;
  };
  export default function autocannon(opts: { url: string; connections: number; duration: number; headers?: Record<string, string> }): Promise<TResult>;
}
