// Access tokens as the Tokens page lists them; TCreatedToken is the one answer that carries a token,
// shown once to its creator.

export type TTokenStatus = "active" | "expired" | "revoked";

export type TAccessTokenDTO = {
  id: string;
  name: string;
  prefix: string;
  secrets: { name: string; env: string }[];
  allowedCidrs: string[];
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  status: TTokenStatus;
};

export type TCreatedToken = { id: string; name: string; prefix: string; token: string; expiresAt: string | null };
