CREATE TABLE "key_material" (
	"name" text PRIMARY KEY NOT NULL,
	"wrapped" text NOT NULL,
	"key_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "secret_values" ADD COLUMN "key_id" text;--> statement-breakpoint
-- Existing rows: the key id is the envelope's second field (v1:<keyId>:...).
UPDATE "secret_values" SET "key_id" = split_part("ciphertext", ':', 2);--> statement-breakpoint
ALTER TABLE "secret_values" ALTER COLUMN "key_id" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "secret_values_key_id_idx" ON "secret_values" USING btree ("key_id");