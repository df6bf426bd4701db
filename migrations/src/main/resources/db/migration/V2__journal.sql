-- The verifiable journal: records, their leaf positions, the Merkle tree as C2SP tlog-tiles, tree
-- heads and signed checkpoints. Every table here is append-only (grant + trigger); the service role
-- may only SELECT and INSERT.

-- One immutable fact. seq is arrival order (also the record id); it may have gaps (an idempotent
-- re-append or a rolled-back insert consumes a value), which is why leaf indices live apart.
CREATE TABLE journal_records (
  seq          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source       text        NOT NULL,
  source_ref   text        NOT NULL,
  kind         text        NOT NULL,
  -- RFC 8785 bytes of the record: the leaf data. The 2-byte length prefix of tlog-tiles entry
  -- bundles bounds it.
  canonical    bytea       NOT NULL CHECK (length(canonical) BETWEEN 2 AND 65535),
  leaf_hash    bytea       NOT NULL CHECK (length(leaf_hash) = 32),
  -- The source's bytes as received (e.g. a webhook body); their SHA-256 is inside canonical.
  raw          bytea,
  received_at  timestamptz NOT NULL,
  CONSTRAINT journal_records_source_ref UNIQUE (source, source_ref)
);

-- Leaf index → record. Written by the sequencer only, contiguous from 0.
CREATE TABLE journal_leaves (
  leaf_index   bigint      PRIMARY KEY CHECK (leaf_index >= 0),
  seq          bigint      NOT NULL UNIQUE REFERENCES journal_records (seq)
);

-- Every tree head the sequencer produced; the newest is the current tree.
CREATE TABLE journal_tree_heads (
  size         bigint      PRIMARY KEY CHECK (size >= 0),
  root         bytea       NOT NULL CHECK (length(root) = 32),
  created_at   timestamptz NOT NULL
);

-- C2SP tlog-tiles hash tiles: level L tile N of width W holds W consecutive 32-byte hashes of
-- Merkle level 8L. A partial tile (W < 256) is a distinct immutable object, so a new width is a new
-- row and nothing is ever overwritten.
CREATE TABLE journal_tiles (
  level        integer     NOT NULL CHECK (level >= 0 AND level < 64),
  idx          bigint      NOT NULL CHECK (idx >= 0),
  width        integer     NOT NULL CHECK (width BETWEEN 1 AND 256),
  hashes       bytea       NOT NULL CHECK (length(hashes) = 32 * width),
  PRIMARY KEY (level, idx, width)
);

-- Signed checkpoints (C2SP signed-note text), one per size at most.
CREATE TABLE journal_checkpoints (
  size         bigint      PRIMARY KEY CHECK (size >= 0),
  root         bytea       NOT NULL CHECK (length(root) = 32),
  note         text        NOT NULL,
  signed_at    timestamptz NOT NULL
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['journal_records', 'journal_leaves', 'journal_tree_heads',
                           'journal_tiles', 'journal_checkpoints'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE OR TRUNCATE ON %I
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_mutation()', t || '_append_only', t);
    EXECUTE format('GRANT SELECT, INSERT ON %I TO lineage_app', t);
  END LOOP;
END
$$;

-- The sequencer reads how far the identity has been allocated (see Sequencer's barrier).
DO $$
BEGIN
  EXECUTE format('GRANT SELECT, USAGE ON SEQUENCE %s TO lineage_app',
                 pg_get_serial_sequence('journal_records', 'seq'));
END
$$;
