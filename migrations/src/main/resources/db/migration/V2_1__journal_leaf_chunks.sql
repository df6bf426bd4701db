-- Leaf positions in chunks instead of one row per leaf. A per-leaf row (plus its two index
-- entries) was the second write of every record and about a third of the journal's database work;
-- a chunk maps up to 256 consecutive leaf indices to their record ids in one row. Chunks never
-- cross a 256-leaf boundary, so entry bundle N is read from at most a few rows, and a sequencing
-- round that ends mid-bundle is continued by a new chunk (rows are never updated).

-- Record keys compare byte-wise: what is "the same key" must not depend on the database's locale,
-- and the unique index on them is cheaper to maintain than under a libc collation.
ALTER TABLE journal_records
  ALTER COLUMN source TYPE text COLLATE "C",
  ALTER COLUMN source_ref TYPE text COLLATE "C";

CREATE TABLE journal_leaf_chunks (
  first_index  bigint      PRIMARY KEY CHECK (first_index >= 0),
  first_seq    bigint      NOT NULL UNIQUE,
  last_seq     bigint      NOT NULL,
  -- seqs[i] is the record at leaf first_index + i - 1; strictly increasing (checked on insert).
  seqs         bigint[]    NOT NULL CHECK (
                  array_ndims(seqs) = 1 AND array_lower(seqs, 1) = 1
                  AND cardinality(seqs) BETWEEN 1 AND 256
                  AND seqs[1] = first_seq AND seqs[cardinality(seqs)] = last_seq
                  AND first_index / 256 = (first_index + cardinality(seqs) - 1) / 256)
);

INSERT INTO journal_leaf_chunks (first_index, first_seq, last_seq, seqs)
SELECT min(leaf_index), min(seq), max(seq), array_agg(seq ORDER BY leaf_index)
  FROM journal_leaves GROUP BY leaf_index / 256 ORDER BY 1;

-- The log stays contiguous from leaf 0 and each record gets at most one leaf, whatever the writer.
CREATE FUNCTION journal_leaf_chunk_contiguous() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  prev journal_leaf_chunks%ROWTYPE;
BEGIN
  SELECT * INTO prev FROM journal_leaf_chunks ORDER BY first_index DESC LIMIT 1;
  IF NEW.first_index <> coalesce(prev.first_index + cardinality(prev.seqs), 0) THEN
    RAISE EXCEPTION 'leaf chunk at % is not contiguous: the log ends at %', NEW.first_index,
      coalesce(prev.first_index + cardinality(prev.seqs), 0);
  END IF;
  IF prev.last_seq IS NOT NULL AND NEW.first_seq <= prev.last_seq THEN
    RAISE EXCEPTION 'leaf chunk at % starts at record % but record % already has a leaf',
      NEW.first_index, NEW.first_seq, prev.last_seq;
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(NEW.seqs) WITH ORDINALITY a(s, i)
               JOIN unnest(NEW.seqs) WITH ORDINALITY b(s, i) ON b.i = a.i + 1
              WHERE b.s <= a.s) THEN
    RAISE EXCEPTION 'leaf chunk at % lists record ids out of order', NEW.first_index;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER journal_leaf_chunks_contiguous BEFORE INSERT ON journal_leaf_chunks
  FOR EACH ROW EXECUTE FUNCTION journal_leaf_chunk_contiguous();
CREATE TRIGGER journal_leaf_chunks_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
  ON journal_leaf_chunks FOR EACH STATEMENT EXECUTE FUNCTION refuse_mutation();
GRANT SELECT, INSERT ON journal_leaf_chunks TO lineage_app;

DROP TABLE journal_leaves;

-- The leaf index of a record, or NULL while it waits to be sequenced.
CREATE FUNCTION journal_leaf_index(record_seq bigint) RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT c.first_index + array_position(c.seqs, record_seq) - 1 FROM journal_leaf_chunks c
   WHERE c.first_seq <= record_seq ORDER BY c.first_seq DESC LIMIT 1
$$;

-- (leaf_index, seq) for leaves in [lo, hi), in order. Inlined by the planner, so a bounded range
-- reads only the chunks it needs.
CREATE FUNCTION journal_leaf_range(lo bigint, hi bigint)
  RETURNS TABLE (leaf_index bigint, seq bigint)
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT c.first_index + o.i - 1, o.s
    FROM journal_leaf_chunks c, unnest(c.seqs) WITH ORDINALITY AS o(s, i)
   WHERE c.first_index < hi AND c.first_index > lo - 256
     AND c.first_index + o.i - 1 >= lo AND c.first_index + o.i - 1 < hi
   ORDER BY 1
$$;

-- Every leaf, for ad-hoc audit queries and whole-log scans (same shape as the former table).
CREATE VIEW journal_leaves AS SELECT leaf_index, seq FROM journal_leaf_range(0, 9223372036854775807);
GRANT SELECT ON journal_leaves TO lineage_app;
