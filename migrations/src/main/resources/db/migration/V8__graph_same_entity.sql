-- The nodes of a global-key type (runs, sha256: Extractors.GLOBAL_KEY_TYPES, whose key names one
-- entity wherever it is seen) that share their type and key with another node: the same entity
-- under several names (`mlflow://<server>/runs/<id>` and `mlflow-run:<id>`). Kept by the projector
-- in the same transaction as the summaries (V7). A traversal looks the nodes it reaches up here
-- (few rows, usually none for them) instead of probing the key of every run it reaches in the
-- summaries. Exact as of any checkpoint: at tree size N two names are the same entity when both
-- rows have first_leaf < N, and every node of a shared key has a row (rows are added, never
-- removed, as the projection goes on). Derived data like V6 and V7, emptied and rebuilt with them.

CREATE TABLE graph_same_entity (
  node          text COLLATE "C" PRIMARY KEY,
  type          text COLLATE "C" NOT NULL,
  key           text COLLATE "C" NOT NULL,
  -- The node's own first citation (graph_node_summary.first_leaf).
  first_leaf    bigint NOT NULL CHECK (first_leaf >= 0)
);
CREATE INDEX graph_same_entity_type_key ON graph_same_entity (type, key);

-- Shared keys of a graph projected before this migration (the global-key types as of V8).
INSERT INTO graph_same_entity
SELECT s.node, s.type, s.key, s.first_leaf
  FROM graph_node_summary s
 WHERE s.type IN ('runs', 'sha256')
   AND EXISTS (SELECT 1 FROM graph_node_summary o
                WHERE o.type = s.type AND o.key = s.key AND o.node <> s.node);

GRANT SELECT, INSERT, UPDATE, DELETE ON graph_same_entity TO lineage_app;
