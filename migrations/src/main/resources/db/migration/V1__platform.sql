-- Platform schema: the service role, API keys and the access log.
--
-- The service never runs as the schema owner: every pooled connection does SET ROLE lineage_app,
-- and that role is only granted what the code needs. Append-only tables are enforced twice: the
-- role lacks UPDATE/DELETE on them, and a trigger refuses those statements for everyone else
-- (owners and superusers included) so tampering needs a deliberate, visible trigger disable.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lineage_app') THEN
    CREATE ROLE lineage_app NOLOGIN;
  END IF;
  -- A non-superuser owner must be a member to SET ROLE; superusers may always.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT lineage_app TO %I', current_user);
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO lineage_app;
GRANT SELECT ON flyway_schema_history TO lineage_app;

CREATE FUNCTION refuse_mutation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'rows in this table are evidence; they are never changed or removed';
END
$$;

CREATE TABLE api_keys (
  id          uuid        PRIMARY KEY,
  name        text        NOT NULL CHECK (name ~ '^[A-Za-z0-9._@-]{1,64}$'),
  role        text        NOT NULL CHECK (role IN ('ingest', 'auditor', 'regulator', 'admin')),
  -- SHA-256 of the key; keys are 256-bit random, so a fast hash is not brute-forceable.
  key_hash    bytea       NOT NULL UNIQUE CHECK (length(key_hash) = 32),
  created_at  timestamptz NOT NULL,
  created_by  text        NOT NULL,
  revoked_at  timestamptz,
  revoked_by  text
);
CREATE UNIQUE INDEX api_keys_active_name ON api_keys (name) WHERE revoked_at IS NULL;

-- Keys are only ever revoked, never deleted or re-activated.
CREATE FUNCTION api_keys_revoke_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'api_keys rows are never deleted; revoke the key instead'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.revoked_at IS NOT NULL
     OR NEW.id <> OLD.id OR NEW.name <> OLD.name OR NEW.role <> OLD.role
     OR NEW.key_hash <> OLD.key_hash OR NEW.created_at <> OLD.created_at
     OR NEW.created_by <> OLD.created_by THEN
    RAISE EXCEPTION 'api_keys: only revoking an active key is allowed'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER api_keys_revoke_only BEFORE UPDATE OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION api_keys_revoke_only();

GRANT SELECT, INSERT ON api_keys TO lineage_app;
GRANT UPDATE (revoked_at, revoked_by) ON api_keys TO lineage_app;

CREATE TABLE access_log (
  id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL,
  key_id      uuid,
  key_name    text,
  role        text,
  method      text        NOT NULL,
  route       text,
  path        text        NOT NULL,
  params      jsonb       NOT NULL,
  status      integer     NOT NULL,
  duration_us bigint      NOT NULL,
  remote      text
);
CREATE INDEX access_log_at ON access_log (at);
CREATE INDEX access_log_key ON access_log (key_id, at);

-- Statement-level, so even an UPDATE/DELETE that matches no row is refused (and visible as such).
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON access_log
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_mutation();

GRANT SELECT, INSERT ON access_log TO lineage_app;
