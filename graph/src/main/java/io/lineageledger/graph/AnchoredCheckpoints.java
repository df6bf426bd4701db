package io.lineageledger.graph;

import java.sql.SQLException;
import java.util.OptionalLong;

/**
 * Which signed checkpoints an anchor vouches for. Answers with proofs are given from the newest
 * anchored checkpoint at or below the one asked for, so every proof in them ends at a root that
 * something outside the log's own signature vouches for.
 */
public interface AnchoredCheckpoints {
  /** The size of the newest anchored checkpoint with at most {@code size} leaves. */
  OptionalLong newestAtOrBelow(long size) throws SQLException;

  /** The size of the newest anchored checkpoint of any size. */
  OptionalLong newest() throws SQLException;

  /** The anchor's backend name, for messages (e.g. {@code embedded}, {@code fabric}). */
  String backend();
}
