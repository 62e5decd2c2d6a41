CREATE TYPE "public"."secret_consumer_kind" AS ENUM('token', 'webhook');--> statement-breakpoint
CREATE TABLE "consumer_secret_versions" (
	"secret_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"consumer_kind" "secret_consumer_kind" NOT NULL,
	"consumer_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"last_fetched_at" timestamp with time zone NOT NULL,
	CONSTRAINT "consumer_secret_versions_secret_id_consumer_kind_consumer_id_pk" PRIMARY KEY("secret_id","consumer_kind","consumer_id")
);
--> statement-breakpoint
CREATE TABLE "secret_consumers_current" (
	"secret_id" uuid PRIMARY KEY NOT NULL,
	"team_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"reached_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consumer_secret_versions" ADD CONSTRAINT "consumer_secret_versions_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secret_consumers_current" ADD CONSTRAINT "secret_consumers_current_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consumer_secret_versions_consumer_idx" ON "consumer_secret_versions" USING btree ("consumer_kind","consumer_id");--> statement-breakpoint
CREATE INDEX "consumer_secret_versions_team_idx" ON "consumer_secret_versions" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "secret_consumers_current_team_idx" ON "secret_consumers_current" USING btree ("team_id");
--> statement-breakpoint
-- Backfill from the audit log, which recorded every read of values by a token (secrets.read_by_token, target the
-- token, metadata.secrets = [{name, version}]) and every value a webhook delivery resolved (webhook.secret_resolved,
-- target the secret, metadata.webhookId). Per secret and consumer the newest such event gives the version it last
-- received and when. A name matches only a secret of the same team that existed then and had reached that version
-- (a secret deleted and re-created under its name is not confused with its predecessor).
INSERT INTO "consumer_secret_versions" ("secret_id", "team_id", "consumer_kind", "consumer_id", "version", "last_fetched_at")
SELECT DISTINCT ON (s."id", t."id") s."id", s."team_id", 'token', t."id", (e->>'version')::int, a."created_at"
FROM "audit_events" a
JOIN "access_tokens" t ON t."id"::text = a."target_id" AND t."team_id" = a."team_id"
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(a."metadata"->'secrets') = 'array' THEN a."metadata"->'secrets' ELSE '[]'::jsonb END) e
JOIN "secrets" s ON s."team_id" = a."team_id" AND s."name" = e->>'name'
WHERE a."action" = 'secrets.read_by_token' AND a."target_type" = 'access_token'
  AND a."created_at" >= s."created_at" AND (e->>'version') ~ '^[0-9]{1,9}$' AND (e->>'version')::int BETWEEN 1 AND s."version"
ORDER BY s."id", t."id", a."created_at" DESC
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "consumer_secret_versions" ("secret_id", "team_id", "consumer_kind", "consumer_id", "version", "last_fetched_at")
SELECT DISTINCT ON (s."id", w."id") s."id", s."team_id", 'webhook', w."id", a."version", a."created_at"
FROM "audit_events" a
JOIN "secrets" s ON s."id"::text = a."target_id" AND s."team_id" = a."team_id"
JOIN "webhooks" w ON w."id"::text = a."metadata"->>'webhookId' AND w."team_id" = a."team_id"
WHERE a."action" = 'webhook.secret_resolved' AND a."target_type" = 'secret' AND a."version" BETWEEN 1 AND s."version"
ORDER BY s."id", w."id", a."created_at" DESC
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Rotations made before this migration whose live consumers are all current count as closed out, so the first
-- fetch after the upgrade does not announce secret.consumers_current for an old rotation. The others (a live token
-- or webhook still on an older version) announce it when their last consumer catches up.
INSERT INTO "secret_consumers_current" ("secret_id", "team_id", "version")
SELECT s."id", s."team_id", s."version" FROM "secrets" s
WHERE NOT EXISTS (
  SELECT 1 FROM "consumer_secret_versions" c
  WHERE c."secret_id" = s."id" AND c."team_id" = s."team_id" AND c."version" < s."version" AND (
    (c."consumer_kind" = 'token' AND EXISTS (
      SELECT 1 FROM "access_token_secrets" b JOIN "access_tokens" t ON t."id" = b."token_id" AND t."team_id" = b."team_id"
      WHERE b."token_id" = c."consumer_id" AND b."secret_id" = s."id" AND b."team_id" = s."team_id"
        AND t."revoked_at" IS NULL AND (t."expires_at" IS NULL OR t."expires_at" > now())))
    OR (c."consumer_kind" = 'webhook' AND EXISTS (
      SELECT 1 FROM "webhook_secrets" b WHERE b."webhook_id" = c."consumer_id" AND b."secret_id" = s."id" AND b."team_id" = s."team_id")))
)
ON CONFLICT DO NOTHING;
