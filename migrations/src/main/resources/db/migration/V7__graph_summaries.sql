-- One summary row per node and per edge beside the citation rows of V6, kept by the projector in
-- the same transaction as the citations it summarizes. A traversal reads the summaries (one row per
-- element instead of one per citing record) and a page lists the first citing records and the
-- count from them without aggregating citation rows. Exact as of any checkpoint: an element exists
-- at tree size N when first_leaf < N; when last_leaf < N the count and the first records are those
-- at N; otherwise the count below N is taken from the citation rows and the first records are the
-- listed ones below N (they are the earliest, in leaf order). Derived data like V6, emptied and
-- rebuilt with it.

CREATE TABLE graph_node_summary (
  node          text COLLATE "C" PRIMARY KEY,
  type          text COLLATE "C" NOT NULL,
  key           text COLLATE "C" NOT NULL,
  first_leaf    bigint NOT NULL CHECK (first_leaf >= 0),
  last_leaf     bigint NOT NULL CHECK (last_leaf >= first_leaf),
  citations     bigint NOT NULL CHECK (citations >= 1),
  -- Leaf index and record id of the earliest citations (at most GraphStore.CITED_PER_ELEMENT).
  first_leaves  bigint[] NOT NULL,
  first_records bigint[] NOT NULL CHECK (cardinality(first_records) = cardinality(first_leaves))
) WITH (fillfactor = 70); -- room for HOT updates: every new citation rewrites the row
CREATE INDEX graph_node_summary_type_key ON graph_node_summary (type, key);
-- A dataset by content digest: its key ends in "@<digest>"; reversed, that is a prefix.
CREATE INDEX graph_node_summary_dataset_digest ON graph_node_summary (reverse(key))
  WHERE type = 'datasets';

CREATE TABLE graph_edge_summary (
  from_node     text COLLATE "C" NOT NULL,
  rel           text COLLATE "C" NOT NULL,
  to_node       text COLLATE "C" NOT NULL,
  first_leaf    bigint NOT NULL CHECK (first_leaf >= 0),
  last_leaf     bigint NOT NULL CHECK (last_leaf >= first_leaf),
  citations     bigint NOT NULL CHECK (citations >= 1),
  first_leaves  bigint[] NOT NULL,
  first_records bigint[] NOT NULL CHECK (cardinality(first_records) = cardinality(first_leaves)),
  PRIMARY KEY (from_node, rel, to_node)
) WITH (fillfactor = 70);
CREATE INDEX graph_edge_summary_to ON graph_edge_summary (to_node);

-- Summaries of a graph projected before this migration.
INSERT INTO graph_node_summary
SELECT node, min(type), min(key), min(leaf_index), max(leaf_index), count(*),
       (array_agg(leaf_index ORDER BY leaf_index))[1:5],
       (array_agg(record_seq ORDER BY leaf_index))[1:5]
  FROM graph_nodes GROUP BY node;
INSERT INTO graph_edge_summary
SELECT from_node, rel, to_node, min(leaf_index), max(leaf_index), count(*),
       (array_agg(leaf_index ORDER BY leaf_index))[1:5],
       (array_agg(record_seq ORDER BY leaf_index))[1:5]
  FROM graph_edges GROUP BY from_node, rel, to_node;

GRANT SELECT, INSERT, UPDATE, DELETE ON graph_node_summary, graph_edge_summary TO lineage_app;
