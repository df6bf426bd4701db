-- Anchoring (issue 4). The service records every checkpoint it anchored (on Fabric or in the embedded
-- anchor) in `anchors`; the embedded anchor keeps its world state and hash-linked, signed blocks in
-- `anchor_state` and `anchor_blocks`. All three are append-only (grant + trigger), like the journal.

-- One row per anchored checkpoint per backend. Block numbers are unsigned 64-bit on Fabric, hence
-- numeric(20) with the unsigned range; NULL when the anchor was found on the ledger without this
-- service having seen its commit.
CREATE TABLE anchors (
  backend          text          NOT NULL CHECK (backend IN ('embedded', 'fabric')),
  origin           text          NOT NULL,
  tree_size        bigint        NOT NULL CHECK (tree_size >= 0),
  root             bytea         NOT NULL CHECK (length(root) = 32),
  tx_id            text          NOT NULL,
  block_number     numeric(20,0) CHECK (block_number >= 0 AND block_number <= 18446744073709551615),
  validation_code  text          NOT NULL,
  anchored_at      timestamptz   NOT NULL,
  recorded_at      timestamptz   NOT NULL,
  PRIMARY KEY (backend, origin, tree_size)
);

-- The embedded anchor's world state: AnchorContract's keys, each written once by one block. The
-- contract reads key ranges in byte order (as Fabric's state database does): collation "C" makes the
-- primary-key index serve those ranges.
CREATE TABLE anchor_state (
  key              text          COLLATE "C" PRIMARY KEY,
  value            bytea         NOT NULL,
  block_number     bigint        NOT NULL CHECK (block_number >= 0)
);

-- The embedded anchor's blocks: one per writing transaction. block_hash = SHA-256(body);
-- body names the previous block's hash; signature is a signed note by the service key over
-- (number, block_hash). See io.lineageledger.anchor.AnchorBlock.
CREATE TABLE anchor_blocks (
  number           bigint        PRIMARY KEY CHECK (number >= 0),
  previous_hash    bytea         NOT NULL CHECK (length(previous_hash) = 32),
  tx_id            text          NOT NULL UNIQUE,
  tx_time          timestamptz   NOT NULL,
  body             bytea         NOT NULL,
  block_hash       bytea         NOT NULL CHECK (length(block_hash) = 32),
  signature        text          NOT NULL
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['anchors', 'anchor_state', 'anchor_blocks'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE OR TRUNCATE ON %I
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_mutation()', t || '_append_only', t);
    EXECUTE format('GRANT SELECT, INSERT ON %I TO lineage_app', t);
  END LOOP;
END
$$;
