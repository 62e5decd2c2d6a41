CREATE TYPE "public"."secret_version_source" AS ENUM('ui', 'import', 'api');--> statement-breakpoint
CREATE TABLE "secret_versions" (
	"secret_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"created_by_label" text,
	"source" "secret_version_source",
	"fingerprint" text,
	CONSTRAINT "secret_versions_secret_id_version_pk" PRIMARY KEY("secret_id","version")
);
--> statement-breakpoint
ALTER TABLE "secret_versions" ADD CONSTRAINT "secret_versions_secret_id_secrets_id_fk" FOREIGN KEY ("secret_id") REFERENCES "public"."secrets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secret_versions" ADD CONSTRAINT "secret_versions_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secret_versions" ADD CONSTRAINT "secret_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "secret_versions_team_idx" ON "secret_versions" USING btree ("team_id");--> statement-breakpoint
-- Backfill, with what is known. Every create and rotation so far wrote an audit event (who, when, version;
-- metadata.via = 'import' for bulk imports): one row per such version that the secret has reached. Only the
-- current version's fingerprint is known (secrets.fingerprint); older ones were never kept.
INSERT INTO "secret_versions" ("secret_id", "team_id", "version", "created_at", "created_by", "created_by_label", "source", "fingerprint")
SELECT DISTINCT ON (s."id", a."version")
  s."id", s."team_id", a."version", a."created_at", a."actor_id", a."actor_label",
  (CASE WHEN a."metadata"->>'via' = 'import' THEN 'import' ELSE 'ui' END)::"secret_version_source",
  CASE WHEN a."version" = s."version" THEN s."fingerprint" END
FROM "audit_events" a
JOIN "secrets" s ON s."id"::text = a."target_id" AND s."team_id" = a."team_id"
WHERE a."action" IN ('secret.created', 'secret.rotated') AND a."target_type" = 'secret'
  AND a."version" IS NOT NULL AND a."version" BETWEEN 1 AND s."version"
ORDER BY s."id", a."version", a."created_at" DESC
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Secrets written without an audit event (seed data): their current version from the secret row (source
-- unknown), and version 1 from its creation when the secret has been rotated since.
INSERT INTO "secret_versions" ("secret_id", "team_id", "version", "created_at", "created_by", "created_by_label", "source", "fingerprint")
SELECT s."id", s."team_id", s."version", s."updated_at", s."updated_by", u."email", NULL, s."fingerprint"
FROM "secrets" s LEFT JOIN "users" u ON u."id" = s."updated_by"
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "secret_versions" ("secret_id", "team_id", "version", "created_at", "created_by", "created_by_label", "source", "fingerprint")
SELECT s."id", s."team_id", 1, s."created_at", s."created_by", u."email", NULL, NULL
FROM "secrets" s LEFT JOIN "users" u ON u."id" = s."created_by"
WHERE s."version" > 1
ON CONFLICT DO NOTHING;
