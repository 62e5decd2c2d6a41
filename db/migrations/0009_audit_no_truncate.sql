-- The audit log is append-only (0002): TRUNCATE bypasses row triggers, so it is refused by a statement-level
-- trigger too, whoever runs it (the table's owner included; TRUNCATE ... CASCADE from another table as well).
-- The owner can still drop the trigger: least-privilege roles (docs/deploy.md) keep the app from doing so.
CREATE OR REPLACE FUNCTION audit_events_no_truncate() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_no_truncate();
