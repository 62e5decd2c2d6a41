CREATE TABLE "secret_reminders" (
	"secret_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"threshold" text NOT NULL,
	"due_on" date NOT NULL,
	"version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deliveries" integer DEFAULT 0 NOT NULL,
	"mail_status" text DEFAULT 'none' NOT NULL,
	"mail_attempts" integer DEFAULT 0 NOT NULL,
	"mail_next_at" timestamp with time zone DEFAULT now() NOT NULL,
	"mail_locked_until" timestamp with time zone,
	CONSTRAINT "secret_reminders_secret_id_threshold_due_on_version_pk" PRIMARY KEY("secret_id","threshold","due_on","version"),
	CONSTRAINT "secret_reminders_threshold" CHECK ("secret_reminders"."threshold" in ('expiry_14d', 'expiry_3d', 'expired', 'rotation_14d', 'rotation_3d', 'rotation_due'))
);
--> statement-breakpoint
ALTER TABLE "secret_reminders" ADD CONSTRAINT "secret_reminders_secret_id_secrets_id_fk" FOREIGN KEY ("secret_id") REFERENCES "public"."secrets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secret_reminders" ADD CONSTRAINT "secret_reminders_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "secret_reminders_mail_idx" ON "secret_reminders" USING btree ("mail_status","mail_next_at");--> statement-breakpoint
CREATE INDEX "secret_reminders_team_idx" ON "secret_reminders" USING btree ("team_id");