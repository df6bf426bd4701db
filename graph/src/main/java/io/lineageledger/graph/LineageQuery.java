package io.lineageledger.graph;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A lineage question: from which node(s), which way, how deep, as of which checkpoint, with or
 * without proofs, one page at a time.
 *
 * @param start where to start
 * @param direction {@code UP} follows edges backwards (what it came from), {@code DOWN} forwards
 *     (what came from it)
 * @param depth hops, 1..{@value #MAX_DEPTH}
 * @param asOf which checkpoint to answer from; empty = the latest
 * @param proofs whether each cited record carries its inclusion proof (and so is given in full)
 * @param fullRecords whether each cited record is given in full (its document, canonical and raw
 *     bytes) even without proofs; otherwise a cited record is its id, leaf index, leaf hash,
 *     source, kind, source reference and arrival time (its bytes are one request away, by id)
 * @param limit nodes per page, 1..{@value #MAX_LIMIT}
 * @param cursor where the previous page ended (it also pins that page's checkpoint)
 */
public record LineageQuery(
    Start start,
    Direction direction,
    int depth,
    Optional<AsOf> asOf,
    boolean proofs,
    boolean fullRecords,
    int limit,
    Optional<String> cursor) {
  public static final int MAX_DEPTH = 10;
  public static final int MAX_LIMIT = 1000;
  public static final int DEFAULT_LIMIT = 500;

  public LineageQuery {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(asOf, "asOf");
    Objects.requireNonNull(cursor, "cursor");
    if (depth < 1 || depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          "depth " + depth + " is not allowed: expected 1.." + MAX_DEPTH);
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit " + limit + " is not allowed: expected 1.." + MAX_LIMIT);
    }
  }

  /**
   * The node(s) to start from: one by its id, or every node of a type and key (the same entity seen
   * by several sources).
   */
  public record Start(Optional<String> nodeId, String type, String key, boolean digest) {
    private static final java.util.regex.Pattern DIGEST =
        java.util.regex.Pattern.compile("[A-Za-z0-9.:-]{4,128}");

    public Start {
      Objects.requireNonNull(nodeId, "nodeId");
      if (nodeId.isEmpty()) {
        new GraphElements.Node("-", type, key); // validates type and key
      }
      if (digest && !DIGEST.matcher(key).matches()) {
        throw new IllegalArgumentException(
            "digest '" + key + "' is not allowed: expected 4..128 of A-Z a-z 0-9 . : -");
      }
    }

    public static Start node(String id) {
      GraphElements.Node n = Extractors.node(id);
      return new Start(Optional.of(n.id()), n.type(), n.key(), false);
    }

    public static Start byKey(String type, String key) {
      return new Start(Optional.empty(), type, key, false);
    }

    /**
     * Every dataset with this content digest, whichever source saw it: MLflow datasets ({@code
     * datasets/<name>@<digest>}) and content-addressed nodes ({@code sha256:<digest>}).
     */
    public static Start datasetDigest(String digest) {
      return new Start(Optional.empty(), "datasets", digest, true);
    }

    @Override
    public String toString() {
      return nodeId.orElse(digest ? "datasets with digest " + key : type + " " + key);
    }
  }

  /** Which way edges are followed. */
  public enum Direction {
    UP,
    DOWN,
    BOTH;

    public static Direction parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException(
            "direction '" + s + "' is not allowed: expected up, down or both", e);
      }
    }
  }

  /** A checkpoint by tree size, or by the time it was signed. */
  public record AsOf(OptionalLong treeSize, Optional<Instant> signedBy) {
    public AsOf {
      if (treeSize.isPresent() == signedBy.isPresent()) {
        throw new IllegalArgumentException("asOf is a tree size or a timestamp, exactly one");
      }
      if (treeSize.isPresent() && treeSize.getAsLong() < 0) {
        throw new IllegalArgumentException(
            "asOf tree size " + treeSize.getAsLong() + " is not allowed: expected >= 0");
      }
    }

    /** A decimal tree size, or an RFC 3339 timestamp such as {@code 2026-01-31T12:00:00Z}. */
    public static AsOf parse(String s) {
      if (s != null && s.matches("[0-9]{1,18}")) {
        return new AsOf(OptionalLong.of(Long.parseLong(s)), Optional.empty());
      }
      try {
        return new AsOf(OptionalLong.empty(), Optional.of(Instant.parse(s)));
      } catch (DateTimeParseException | NullPointerException e) {
        throw new IllegalArgumentException(
            "asOf '"
                + s
                + "' is not allowed: expected a tree size (decimal) or an RFC 3339 UTC timestamp"
                + " such as 2026-01-31T12:00:00Z",
            e);
      }
    }
  }
}
