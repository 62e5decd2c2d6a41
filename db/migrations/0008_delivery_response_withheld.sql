ALTER TABLE "webhook_delivery_attempts" ADD COLUMN "response_withheld" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_delivery_attempts" ADD COLUMN "response_header_names" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_delivery_attempts" ADD COLUMN "response_bytes" integer;--> statement-breakpoint
ALTER TABLE "webhook_delivery_attempts" ADD COLUMN "carried_restricted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Attempts recorded before this migration kept the receiver's (redacted) response and the rendered
-- (redacted) request. For every attempt of a delivery that resolved a secret (its webhook.secret_resolved
-- audit events, a redaction mark in its text, or a webhook that carries secrets now), the response is
-- withheld and the request's values are dropped: header values, the body and the query string.
UPDATE "webhook_delivery_attempts" a SET
  "response_withheld" = true,
  "response_body" = NULL,
  "response_bytes" = NULL,
  "request_url" = split_part(a."request_url", '?', 1),
  "request_body" = CASE WHEN a."request_body" = '' THEN '' ELSE '[withheld: recorded before request templates were logged]' END,
  "request_headers" = (
    SELECT coalesce(jsonb_agg(jsonb_build_object('name', h->>'name', 'value', '[withheld]')), '[]'::jsonb)
    FROM jsonb_array_elements(a."request_headers") h
  )
WHERE EXISTS (
    SELECT 1 FROM "audit_events" e
    WHERE e."team_id" = a."team_id" AND e."action" = 'webhook.secret_resolved' AND e."metadata"->>'deliveryId' = a."delivery_id"::text
  )
  OR EXISTS (SELECT 1 FROM "webhook_secrets" ws WHERE ws."team_id" = a."team_id" AND ws."webhook_id" = a."webhook_id")
  OR a."request_body" LIKE '%[REDACTED:%' OR a."request_body" LIKE '%[WITHHELD%'
  OR a."request_url" LIKE '%[REDACTED:%' OR a."request_headers"::text LIKE '%[REDACTED:%'
  OR coalesce(a."response_body", '') LIKE '%[REDACTED:%' OR coalesce(a."response_body", '') LIKE '%[WITHHELD%';
--> statement-breakpoint
UPDATE "webhook_delivery_attempts" a SET "carried_restricted" = true
WHERE EXISTS (
    SELECT 1 FROM "audit_events" e JOIN "secrets" s ON s."id"::text = e."target_id"::text AND s."team_id" = e."team_id"
    WHERE e."team_id" = a."team_id" AND e."action" = 'webhook.secret_resolved' AND e."metadata"->>'deliveryId' = a."delivery_id"::text
      AND s."visibility" = 'restricted'
  )
  OR EXISTS (
    SELECT 1 FROM "webhook_secrets" ws JOIN "secrets" s ON s."id" = ws."secret_id" AND s."team_id" = ws."team_id"
    WHERE ws."team_id" = a."team_id" AND ws."webhook_id" = a."webhook_id" AND s."visibility" = 'restricted'
  );
