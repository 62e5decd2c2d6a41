import { networkInterfaces } from "node:os";
import type { NextConfig } from "next";

// `next dev` blocks its own scripts for origins it does not know, and then forms submit natively. Accept the
// addresses it prints (Local and Network): loopback and this machine's interface addresses.
function devOrigins(): string[] {
  const hosts = new Set(["localhost", "127.0.0.1", "[::1]"]);
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) hosts.add(a.family === "IPv6" ? `[${a.address.replace(/%.*$/, "")}]` : a.address);
  }
  return [...hosts];
}

const nextConfig: NextConfig = {
  // PGlite loads its WASM from disk; bundling it breaks that (see shared STACK-NOTES).
  // pkcs11js is a native addon and the AWS SDK is large: both load from node_modules at run time.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "rate-limiter-flexible", "pkcs11js", "@aws-sdk/client-kms"],
  poweredByHeader: false,
  allowedDevOrigins: devOrigins(),
  // Separate build directories let the e2e suite and the benchmark build while a dev server runs.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  experimental: {
    // React's taint API: a decrypted value marked tainted cannot be passed to a client component.
    taint: true,
    // Bulk import sends a file of up to 4 MiB (10,000 lines) to the preview action; the default is 1 MB.
    serverActions: { bodySizeLimit: "5mb" },
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          // Inline scripts stay allowed because Next's hydration uses them without a nonce; what this buys is
          // no third-party script, frame or connection target, and no framing of the app.
          ...(process.env.NODE_ENV === "production"
            ? [
                {
                  key: "Content-Security-Policy",
                  value:
                    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
                    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
                },
              ]
            : []),
        ],
      },
    ];
  },
};

export default nextConfig;
