// A loopback server that implements exactly two operations of the AWS KMS JSON protocol (awsJson1_1):
// TrentService.Encrypt and TrentService.Decrypt, as documented in the KMS API reference — a POST to "/"
// with X-Amz-Target, Content-Type application/x-amz-json-1.1, base64 blobs, EncryptionContext bound into
// the ciphertext, and errors as {"__type": ..., "message": ...} with x-amzn-ErrorType. The official SDK is
// pointed at it with `endpoint`. It is a stand-in for KMS's protocol, not for AWS: signatures are not
// verified (only required to be SigV4-shaped).
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type TKmsServer = {
  endpoint: string;
  /** ARNs of the keys this server holds. */
  createKey: () => string;
  calls: { Encrypt: number; Decrypt: number };
  /** When set, every request answers 503 KMSInternalException (an outage). */
  setDown: (down: boolean) => void;
  close: () => Promise<void>;
};

const contextBytes = (ctx: Record<string, string> | undefined) =>
  Buffer.from(JSON.stringify(Object.entries(ctx ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))), "utf8");

export async function startKmsServer(region = "eu-west-1", account = "111122223333"): Promise<TKmsServer> {
  const keys = new Map<string, Buffer>();
  const calls = { Encrypt: 0, Decrypt: 0 };
  let down = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const fail = (status: number, type: string, message: string) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": type });
        res.end(JSON.stringify({ __type: type, message }));
      };
      const ok = (body: unknown) => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify(body));
      };
      if (down) return fail(503, "KMSInternalException", "unavailable");
      const target = req.headers["x-amz-target"];
      if (req.method !== "POST" || req.url !== "/" || req.headers["content-type"] !== "application/x-amz-json-1.1") {
        return fail(400, "UnknownOperationException", "not a KMS JSON request");
      }
      if (!String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 Credential=")) {
        return fail(400, "MissingAuthenticationTokenException", "no SigV4 authorization");
      }
      let body: { KeyId?: string; Plaintext?: string; CiphertextBlob?: string; EncryptionContext?: Record<string, string> };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return fail(400, "SerializationException", "bad JSON");
      }
      if (target === "TrentService.Encrypt") {
        calls.Encrypt++;
        const key = body.KeyId ? keys.get(body.KeyId) : undefined;
        if (!key) return fail(400, "NotFoundException", "key not found");
        const plaintext = Buffer.from(body.Plaintext ?? "", "base64");
        if (plaintext.length < 1 || plaintext.length > 4096) return fail(400, "ValidationException", "plaintext length");
        const iv = randomBytes(12);
        const cipher = createCipheriv("aes-256-gcm", key, iv);
        cipher.setAAD(contextBytes(body.EncryptionContext));
        const ct = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
        const arn = Buffer.from(body.KeyId!, "utf8");
        const blob = Buffer.concat([Buffer.from([1, arn.length]), arn, iv, ct]);
        return ok({ CiphertextBlob: blob.toString("base64"), KeyId: body.KeyId, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" });
      }
      if (target === "TrentService.Decrypt") {
        calls.Decrypt++;
        const blob = Buffer.from(body.CiphertextBlob ?? "", "base64");
        if (blob.length < 2 || blob[0] !== 1) return fail(400, "InvalidCiphertextException", "");
        const arn = blob.subarray(2, 2 + blob[1]!).toString("utf8");
        if (body.KeyId && body.KeyId !== arn) return fail(400, "IncorrectKeyException", "");
        const key = keys.get(arn);
        if (!key) return fail(400, "InvalidCiphertextException", "");
        const rest = blob.subarray(2 + blob[1]!);
        try {
          const decipher = createDecipheriv("aes-256-gcm", key, rest.subarray(0, 12));
          decipher.setAAD(contextBytes(body.EncryptionContext));
          decipher.setAuthTag(rest.subarray(rest.length - 16));
          const plaintext = Buffer.concat([decipher.update(rest.subarray(12, rest.length - 16)), decipher.final()]);
          return ok({ Plaintext: plaintext.toString("base64"), KeyId: arn, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" });
        } catch {
          return fail(400, "InvalidCiphertextException", "");
        }
      }
      return fail(400, "UnknownOperationException", "only Encrypt and Decrypt are implemented");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    createKey: () => {
      const arn = `arn:aws:kms:${region}:${account}:key/${crypto.randomUUID()}`;
      keys.set(arn, randomBytes(32));
      return arn;
    },
    calls,
    setDown: (d) => {
      down = d;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
