-- The lineage graph: a projection of sequenced journal records, rebuildable from the journal alone
-- (`./lineage rebuild-graph`). Every node and edge row cites the record that evidences it and that
-- record's leaf index, so a query as of tree size N reads only rows with leaf_index < N: exactly
-- what the log held at that checkpoint. The same edge stated by several records is one row per
-- record, so no citation is lost. Derived data, hence not append-only: the journal is the truth.

CREATE TABLE graph_nodes (
  node         text COLLATE "C" NOT NULL,
  type         text COLLATE "C" NOT NULL,
  -- What identifies the entity apart from where it was seen (e.g. "<model>/<version>", a digest).
  key          text COLLATE "C" NOT NULL,
  leaf_index   bigint NOT NULL CHECK (leaf_index >= 0),
  record_seq   bigint NOT NULL,
  PRIMARY KEY (node, leaf_index)
);
CREATE INDEX graph_nodes_type_key ON graph_nodes (type, key, leaf_index);

CREATE TABLE graph_edges (
  from_node    text COLLATE "C" NOT NULL,
  rel          text COLLATE "C" NOT NULL,
  to_node      text COLLATE "C" NOT NULL,
  leaf_index   bigint NOT NULL CHECK (leaf_index >= 0),
  record_seq   bigint NOT NULL,
  PRIMARY KEY (from_node, leaf_index, rel, to_node)
);
CREATE INDEX graph_edges_to ON graph_edges (to_node, leaf_index);

-- How far the projection has read the log (leaf index of the next record to project).
CREATE TABLE graph_projection (
  singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  next_leaf    bigint NOT NULL CHECK (next_leaf >= 0),
  updated_at   timestamptz NOT NULL
);

GRANT SELECT, INSERT, UPDATE, DELETE ON graph_nodes, graph_edges, graph_projection TO lineage_app;
