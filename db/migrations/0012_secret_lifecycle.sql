ALTER TABLE "secrets" ADD COLUMN "description" text;--> statement-breakpoint
ALTER TABLE "secrets" ADD COLUMN "expires_on" date;--> statement-breakpoint
ALTER TABLE "secrets" ADD COLUMN "rotate_every_days" integer;--> statement-breakpoint
ALTER TABLE "secrets" ADD COLUMN "value_set_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- Existing secrets: their current value was written at their last change (creation or rotation).
UPDATE "secrets" SET "value_set_at" = "updated_at";--> statement-breakpoint
ALTER TABLE "secrets" ADD COLUMN "stop_serving_after_expiry" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "secrets_expires_on_idx" ON "secrets" USING btree ("expires_on","team_id") WHERE "secrets"."expires_on" is not null;--> statement-breakpoint
ALTER TABLE "secrets" ADD CONSTRAINT "secrets_description_length" CHECK (char_length("secrets"."description") <= 500);--> statement-breakpoint
ALTER TABLE "secrets" ADD CONSTRAINT "secrets_rotate_every_days_range" CHECK ("secrets"."rotate_every_days" between 1 and 3650);