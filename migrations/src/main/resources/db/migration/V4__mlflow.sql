-- MLflow ingestion: the webhook inbox, the alias history, lineage links between MLflow entities and
-- the incremental sync's cursors. Evidence (what arrived, what was derived from journal records) is
-- append-only; only processing state and cursors change.

-- A verified webhook delivery exactly as received: raw body bytes and headers. Written before the
-- webhook is answered 2xx; one row per (source, delivery id), so a redelivery is a no-op.
CREATE TABLE mlflow_deliveries (
  id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source           text        NOT NULL,
  delivery_id      text        NOT NULL,
  signed_timestamp bigint      NOT NULL,
  headers          jsonb       NOT NULL,
  body             bytea       NOT NULL,
  received_at      timestamptz NOT NULL,
  CONSTRAINT mlflow_deliveries_once UNIQUE (source, delivery_id)
);

-- Processing state of a delivery (mutable, apart from the evidence above). A processor holds the
-- row locked (FOR UPDATE SKIP LOCKED) while it works on the delivery.
CREATE TABLE mlflow_delivery_state (
  delivery         bigint      PRIMARY KEY REFERENCES mlflow_deliveries (id),
  status           text        NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
  attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  timestamptz NOT NULL,
  last_error       text,
  updated_at       timestamptz NOT NULL,
  processed_at     timestamptz
);
CREATE INDEX mlflow_delivery_state_due ON mlflow_delivery_state (next_attempt_at)
  WHERE status = 'pending';

-- Which version an alias pointed at, as a sequence of changes (version NULL = alias deleted), each
-- backed by the journal record that states it. mlflow_alias_history turns it into intervals.
CREATE TABLE mlflow_alias_events (
  id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source           text        NOT NULL,
  model_name       text        NOT NULL,
  alias            text        NOT NULL,
  version          text,
  effective_at     timestamptz NOT NULL,
  observed_via     text        NOT NULL CHECK (observed_via IN ('webhook', 'sync')),
  record_seq       bigint      NOT NULL UNIQUE REFERENCES journal_records (seq)
);
CREATE INDEX mlflow_alias_events_alias ON mlflow_alias_events (source, model_name, alias, id);

CREATE VIEW mlflow_alias_history AS
SELECT source, model_name, alias, version, valid_from, valid_until, record_seq
FROM (
  SELECT source, model_name, alias, version, effective_at AS valid_from,
         lead(effective_at) OVER w AS valid_until, record_seq
  FROM mlflow_alias_events
  WINDOW w AS (PARTITION BY source, model_name, alias ORDER BY id)
) h
WHERE version IS NOT NULL;

-- Lineage edges between MLflow entities (subjects as in the journal records), each derived from
-- the journal record that states it.
CREATE TABLE mlflow_links (
  from_subject     text        NOT NULL,
  relation         text        NOT NULL,
  to_subject       text        NOT NULL,
  record_seq       bigint      NOT NULL REFERENCES journal_records (seq),
  PRIMARY KEY (from_subject, relation, to_subject)
);
CREATE INDEX mlflow_links_to ON mlflow_links (to_subject);

-- The incremental sync's position per MLflow server.
CREATE TABLE mlflow_sync_state (
  source                  text        PRIMARY KEY,
  model_versions_cursor   bigint      NOT NULL DEFAULT 0,
  registered_models_cursor bigint     NOT NULL DEFAULT 0,
  last_attempt_at         timestamptz,
  last_success_at         timestamptz,
  consecutive_failures    integer     NOT NULL DEFAULT 0,
  last_error              text
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['mlflow_deliveries', 'mlflow_alias_events', 'mlflow_links'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE OR TRUNCATE ON %I
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_mutation()', t || '_append_only', t);
    EXECUTE format('GRANT SELECT, INSERT ON %I TO lineage_app', t);
  END LOOP;
END
$$;
GRANT SELECT ON mlflow_alias_history TO lineage_app;
GRANT SELECT, INSERT, UPDATE ON mlflow_delivery_state TO lineage_app;
GRANT SELECT, INSERT, UPDATE ON mlflow_sync_state TO lineage_app;
