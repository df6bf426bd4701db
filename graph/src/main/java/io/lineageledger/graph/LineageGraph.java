package io.lineageledger.graph;

import io.lineageledger.ledger.journal.InclusionProof;
import io.lineageledger.ledger.journal.ProofUnavailableException;
import io.lineageledger.ledger.journal.SignedCheckpoint;
import io.lineageledger.ledger.journal.StoredRecord;
import io.lineageledger.ledger.journal.TransparencyLog;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The lineage graph: kept in step with the journal ({@link #catchUp()}, rebuildable from it alone
 * with {@link #rebuild()}), and queried as of a signed checkpoint. Blocking (JDBC); safe to share.
 */
public final class LineageGraph {
  /** Most nodes one traversal may reach; a larger answer must be asked for with less depth. */
  public static final int MAX_NODES = 10_000;

  /** Helper threads for split reads unless configured (see the six-argument constructor). */
  public static final int DEFAULT_READ_THREADS = 2;

  // Below this many ids a read is not worth a second connection: the hand-over (a helper thread,
  // a second connection and its own prepared statement) cost more than the halves saved. At 128,
  // model-version lineage (204 nodes, 441 citations) went from p50 6.3 to 8-10 ms in the
  // benchmark; at 512 only impact's and time travel's large reads split.
  static final int SPLIT_AT = 512;

  private final DataSource db;
  private final TransparencyLog log;
  private final GraphProjector projector;
  private final Optional<AnchoredCheckpoints> anchors;
  private final SplitReads split;

  /** A graph whose answers with proofs end at the checkpoint asked about (no anchoring). */
  public LineageGraph(DataSource db, TransparencyLog log, EdgeExtractor extractor, Clock clock) {
    this(db, log, extractor, clock, Optional.empty(), DEFAULT_READ_THREADS);
  }

  /**
   * @param anchors when present, answers with proofs come from the newest anchored checkpoint at or
   *     below the one asked about (see {@link #lineage}); empty = anchoring is off
   * @param readThreads helper threads that read half of a large traversal level, node list or
   *     citation list on a second pooled connection while the query's own connection reads the
   *     other half, 0..64; 0 = every query reads on its one connection
   */
  public LineageGraph(
      DataSource db,
      TransparencyLog log,
      EdgeExtractor extractor,
      Clock clock,
      Optional<AnchoredCheckpoints> anchors,
      int readThreads) {
    this.db = db;
    this.log = log;
    this.projector = new GraphProjector(db, extractor, clock, 5000);
    this.anchors = anchors;
    this.split = new SplitReads(db, readThreads);
  }

  /** Projects records sequenced since the last call; returns how many. */
  public long catchUp() throws SQLException {
    return projector.catchUp();
  }

  /** Empties the graph and projects the whole journal again; returns records projected. */
  public long rebuild() throws SQLException {
    return projector.rebuild();
  }

  /**
   * Empties the graph of the database behind {@code db} and projects its whole journal again: the
   * operator's {@code rebuild-graph}, safe while the service runs (projection steps serialize).
   *
   * @return records projected
   */
  public static long rebuild(DataSource db, EdgeExtractor extractor, Clock clock)
      throws SQLException {
    return new GraphProjector(db, extractor, clock, 5000).rebuild();
  }

  /** Leaf index of the next record to project (= records projected so far). */
  public long position() throws SQLException {
    return projector.position();
  }

  /**
   * Answers one page of a lineage question. With {@code proofs} and anchoring on, the answer comes
   * from the newest <em>anchored</em> checkpoint at or below the one asked about ({@link
   * LineageAnswer#requestedSize()} says which was asked about), so every proof ends at a root an
   * anchor vouches for.
   *
   * @throws UnknownNodeException when the start is not in the graph at that checkpoint (or no
   *     checkpoint exists yet)
   * @throws NotAnchoredException with proofs, when no anchored checkpoint is at or below it
   * @throws IllegalArgumentException for a bad cursor, or a traversal beyond {@link #MAX_NODES}
   */
  public LineageAnswer lineage(LineageQuery q) throws SQLException {
    String fingerprint = fingerprint(q);
    long offset = 0;
    SignedCheckpoint checkpoint;
    long requestedSize;
    if (q.cursor().isPresent()) {
      // The cursor pins the first page's checkpoint (anchored already when proofs were asked for).
      long[] c = Cursor.decode(q.cursor().get(), fingerprint);
      Optional<SignedCheckpoint> cp = log.checkpoint(c[0]);
      if (cp.isEmpty()) {
        throw new UnknownNodeException(q.start().toString(), 0);
      }
      checkpoint = cp.get();
      requestedSize = checkpoint.size();
      offset = c[1];
    } else {
      Answering at = answering(q.asOf(), q.proofs(), q.start().toString());
      checkpoint = at.checkpoint();
      requestedSize = at.requestedSize();
    }
    long size = checkpoint.size();
    coverUpTo(size);
    try (Connection c = db.getConnection()) {
      List<String> start = startNodes(c, q.start(), size);
      Map<String, Integer> reached = new LinkedHashMap<>();
      List<GraphStore.EdgeView> edges = new ArrayList<>();
      traverse(c, q, size, start, reached, edges);

      List<String> order = new ArrayList<>(reached.keySet());
      int from = (int) Math.min(offset, order.size());
      int to = Math.min(order.size(), from + q.limit());
      List<String> page = order.subList(from, to);
      Set<String> onPage = new java.util.HashSet<>(page);

      Map<String, GraphStore.NodeView> views = new HashMap<>();
      for (GraphStore.NodeView v : nodes(c, page, size)) {
        views.put(v.id(), v);
      }
      GraphStore.Cited cited = new GraphStore.Cited();
      List<LineageAnswer.Node> nodes = new ArrayList<>();
      for (String id : page) {
        GraphStore.NodeView v = views.get(id);
        if (v == null) {
          // Named only by an edge's far end; the extractor normally also makes it a node.
          GraphElements.Node n = Extractors.node(id);
          nodes.add(new LineageAnswer.Node(id, n.type(), n.key(), reached.get(id), 0, List.of()));
          continue;
        }
        cited.add(v.records(), v.leaves());
        nodes.add(
            new LineageAnswer.Node(
                id, v.type(), v.key(), reached.get(id), v.citations(), v.records()));
      }
      List<LineageAnswer.Edge> pageEdges = new ArrayList<>();
      for (GraphStore.EdgeView e : edges) {
        if (onPage.contains(e.from()) || onPage.contains(e.to())) {
          cited.add(e.records(), e.leaves());
          pageEdges.add(
              new LineageAnswer.Edge(e.from(), e.rel(), e.to(), e.citations(), e.records()));
        }
      }
      List<LineageAnswer.CitedRecord> records =
          q.proofs() || q.fullRecords() ? cite(cited, size, q.proofs()) : citations(c, cited);
      Optional<String> next =
          to < order.size() ? Optional.of(Cursor.encode(size, to, fingerprint)) : Optional.empty();
      return new LineageAnswer(
          checkpoint, start, order.size(), nodes, pageEdges, records, next, requestedSize);
    }
  }

  /**
   * Which version held each alias of a registered model, from when to when.
   *
   * @param modelKey the model's key ({@code <name>} percent-encoded as in its subject)
   * @throws UnknownNodeException when no alias of that model is known at that checkpoint
   */
  public AliasHistoryAnswer aliasHistory(String modelKey, Optional<LineageQuery.AsOf> asOf)
      throws SQLException {
    Optional<SignedCheckpoint> cp = checkpointAsOf(asOf);
    if (cp.isEmpty()) {
      throw new UnknownNodeException("aliases of " + modelKey, 0);
    }
    coverUpTo(cp.get().size());
    try (Connection c = db.getConnection()) {
      List<AliasHistoryAnswer.Interval> intervals =
          AliasHistory.read(c, modelKey, cp.get().size(), ids -> log.journal().records(ids));
      if (intervals.isEmpty()) {
        throw new UnknownNodeException("aliases of " + modelKey, cp.get().size());
      }
      return new AliasHistoryAnswer(cp.get(), intervals);
    }
  }

  /** Kind of the record that journals a cross-check answer. */
  public static final String CROSS_CHECK_KIND = "lineage.cross_check";

  /**
   * Declared versus observed for a run, as of a checkpoint; the answer is journaled (once per run
   * and checkpoint: asking again returns the same record).
   *
   * @param runId the MLflow run id
   * @param datasetPrefixes paths under which a file read that no declaration names is reported
   * @throws UnknownNodeException when no record mentions the run at that checkpoint
   */
  public CrossCheckAnswer crossCheck(
      String runId, Optional<LineageQuery.AsOf> asOf, List<String> datasetPrefixes)
      throws SQLException, io.lineageledger.ledger.journal.JournalConflictException {
    return crossCheck(runId, asOf, datasetPrefixes, false);
  }

  /**
   * As {@link #crossCheck(String, Optional, List)}; with {@code proofs} the answer comes from an
   * anchored checkpoint (as {@link #lineage} does) and carries every cited record with its proof.
   */
  public CrossCheckAnswer crossCheck(
      String runId, Optional<LineageQuery.AsOf> asOf, List<String> datasetPrefixes, boolean proofs)
      throws SQLException, io.lineageledger.ledger.journal.JournalConflictException {
    Answering at = answering(asOf, proofs, "run " + runId);
    SignedCheckpoint cp = at.checkpoint();
    long size = cp.size();
    coverUpTo(size);
    List<Long> ids;
    try (Connection c = db.getConnection()) {
      ids = GraphStore.recordsMentioning(c, "runs", runId, size);
    }
    List<StoredRecord> records =
        log.journal().records(ids).stream()
            .filter(r -> !r.kind().equals(CROSS_CHECK_KIND))
            .toList();
    if (records.isEmpty()) {
      throw new UnknownNodeException("run " + runId, size);
    }
    CrossCheck.Result r = CrossCheck.compare(records, datasetPrefixes);
    com.fasterxml.jackson.databind.node.ObjectNode payload =
        CrossCheckJson.payload(runId, size, r, datasetPrefixes);
    // Deterministic for one run and checkpoint (time = the checkpoint's), so asking again is an
    // idempotent re-append of the same fact.
    long id =
        log.journal()
            .append(
                io.lineageledger.ledger.journal.Record.of(
                    io.lineageledger.ledger.journal.Journal.SELF_SOURCE,
                    CROSS_CHECK_KIND,
                    "cross-check/v1/runs/" + runId + "@" + size,
                    cp.signedAt(),
                    List.of("mlflow-run:" + runId),
                    payload))
            .id();
    TreeSet<Long> cited = new TreeSet<>(r.declaredRecords());
    cited.addAll(r.observedRecords());
    r.findings().forEach(f -> cited.addAll(f.records()));
    return new CrossCheckAnswer(
        cp,
        runId,
        r.findings(),
        r.declaredRecords(),
        r.observedRecords(),
        r.captureComplete(),
        id,
        at.requestedSize(),
        proofs ? citedRecords(cited, cp, true) : List.of());
  }

  /**
   * What actually served a model version, as of a checkpoint (see {@link ModelCrossCheck} for how
   * serving processes are tied to the version); journaled once per version and checkpoint, like the
   * run cross-check. With {@code proofs} the answer comes from an anchored checkpoint and carries
   * every cited record with its proof.
   *
   * @param versionKey {@code <name>/<version>}, each percent-encoded as in the version's subject
   * @param servingPorts local ports whose flows count as served; empty = every flow of a process
   *     that loaded the model
   * @throws UnknownNodeException when no record mentions the version at that checkpoint
   */
  public ModelCrossCheckAnswer modelVersionCrossCheck(
      String versionKey,
      Optional<LineageQuery.AsOf> asOf,
      List<Integer> servingPorts,
      boolean proofs)
      throws SQLException, io.lineageledger.ledger.journal.JournalConflictException {
    Answering at = answering(asOf, proofs, "model version " + versionKey);
    SignedCheckpoint cp = at.checkpoint();
    long size = cp.size();
    coverUpTo(size);
    List<String> nodes;
    try (Connection c = db.getConnection()) {
      nodes = GraphStore.nodesByKey(c, "model-versions", versionKey, size);
    }
    ModelCrossCheck.Lookup lookup =
        (type, key) -> {
          List<Long> ids;
          try (Connection c = db.getConnection()) {
            ids = GraphStore.recordsMentioning(c, type, key, size);
          }
          return log.journal().records(ids).stream()
              .filter(r -> !r.kind().equals(CROSS_CHECK_KIND))
              .toList();
        };
    List<StoredRecord> versionRecords = lookup.mentioning("model-versions", versionKey);
    if (nodes.isEmpty() || versionRecords.isEmpty()) {
      throw new UnknownNodeException("model version " + versionKey, size);
    }
    ModelCrossCheck.Result r = ModelCrossCheck.compare(versionRecords, lookup, servingPorts);
    long id =
        log.journal()
            .append(
                io.lineageledger.ledger.journal.Record.of(
                    io.lineageledger.ledger.journal.Journal.SELF_SOURCE,
                    CROSS_CHECK_KIND,
                    "cross-check/v1/model-versions/" + versionKey + "@" + size,
                    cp.signedAt(),
                    nodes,
                    CrossCheckJson.modelPayload(versionKey, nodes, size, r, servingPorts)))
            .id();
    TreeSet<Long> cited = new TreeSet<>(r.declaredRecords());
    cited.addAll(r.observedRecords());
    r.findings().forEach(f -> cited.addAll(f.records()));
    r.locations().forEach(l -> cited.addAll(l.records()));
    return new ModelCrossCheckAnswer(
        cp,
        versionKey,
        nodes,
        r.runId(),
        r.locations(),
        r.findings(),
        r.declaredRecords(),
        r.observedRecords(),
        r.captureComplete(),
        id,
        at.requestedSize(),
        proofs ? citedRecords(cited, cp, true) : List.of());
  }

  /** The checkpoint an answer comes from, and the one the question was about. */
  private record Answering(SignedCheckpoint checkpoint, long requestedSize) {}

  private Answering answering(Optional<LineageQuery.AsOf> asOf, boolean proofs, String what)
      throws SQLException {
    Optional<SignedCheckpoint> cp = checkpointAsOf(asOf);
    if (cp.isEmpty()) {
      throw new UnknownNodeException(what, 0);
    }
    long requested = cp.get().size();
    if (!proofs || anchors.isEmpty()) {
      return new Answering(cp.get(), requested);
    }
    AnchoredCheckpoints a = anchors.get();
    java.util.OptionalLong anchored = a.newestAtOrBelow(requested);
    if (anchored.isEmpty()) {
      throw new NotAnchoredException(requested, a.newest(), a.backend(), asOf.isEmpty());
    }
    // Anchors are only ever made of signed checkpoints, so this one exists.
    SignedCheckpoint at =
        log.checkpoint(anchored.getAsLong())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "checkpoint of size "
                            + anchored.getAsLong()
                            + " is anchored on "
                            + a.backend()
                            + " but this log holds no signed checkpoint of that size"));
    return new Answering(at, requested);
  }

  private Optional<SignedCheckpoint> checkpointAsOf(Optional<LineageQuery.AsOf> asOf)
      throws SQLException {
    if (asOf.isEmpty()) {
      return log.latestCheckpoint();
    } else if (asOf.get().treeSize().isPresent()) {
      return log.checkpointAtOrBelow(asOf.get().treeSize().getAsLong());
    } else {
      return log.checkpointSignedBy(asOf.get().signedBy().orElseThrow());
    }
  }

  // A checkpoint newer than the projection: catch up first, so the answer is complete.
  private void coverUpTo(long size) throws SQLException {
    if (projector.position() < size) {
      projector.catchUp();
    }
  }

  private static List<String> startNodes(Connection c, LineageQuery.Start s, long size)
      throws SQLException {
    List<String> start;
    if (s.nodeId().isPresent()) {
      start =
          GraphStore.nodes(c, List.of(s.nodeId().get()), size).stream()
              .map(GraphStore.NodeView::id)
              .toList();
    } else if (s.digest()) {
      start = GraphStore.datasetsByDigest(c, s.key(), size);
    } else {
      start = GraphStore.nodesByKey(c, s.type(), s.key(), size);
    }
    if (start.isEmpty()) {
      throw new UnknownNodeException(s.toString(), size);
    }
    return start;
  }

  // Breadth-first, first distance wins. One statement per level: the edges touching the frontier
  // and the other names of the same entities at their ends (graph_same_entity holds only nodes
  // whose key is shared, so the lookup costs a probe of a small primary key per end). Each edge is
  // added to {@code edges} once.
  // One level of a traversal; a large frontier is read in two halves at once (see SplitReads).
  private GraphStore.Level level(
      Connection c, String[] frontier, LineageQuery.Direction direction, long size)
      throws SQLException {
    if (frontier.length < SPLIT_AT || !split.enabled()) {
      return GraphStore.level(c, frontier, direction, size);
    }
    String[] a = Arrays.copyOfRange(frontier, 0, frontier.length / 2);
    String[] b = Arrays.copyOfRange(frontier, frontier.length / 2, frontier.length);
    SplitReads.Halves<GraphStore.Level> h =
        split.both(
            c,
            x -> GraphStore.level(x, a, direction, size),
            x -> GraphStore.level(x, b, direction, size));
    // Going DOWN (UP) an edge is found from its one frontier end, so the halves' edges are
    // disjoint. Going BOTH, an edge between two frontier nodes in different halves is found by
    // each; the traversal's set of edges seen keeps it once, as it does for an edge met again at
    // the next level.
    List<GraphStore.EdgeView> edges = new ArrayList<>(h.first().edges());
    edges.addAll(h.second().edges());
    Map<String, List<String>> sameAs = new HashMap<>(h.first().sameAs());
    h.second()
        .sameAs()
        .forEach(
            (node, others) ->
                sameAs.merge(
                    node,
                    others,
                    (x, y) -> {
                      List<String> all = new ArrayList<>(x);
                      all.addAll(y);
                      return all;
                    }));
    return new GraphStore.Level(edges, sameAs);
  }

  private List<GraphStore.NodeView> nodes(Connection c, List<String> ids, long size)
      throws SQLException {
    if (ids.size() < SPLIT_AT || !split.enabled()) {
      return GraphStore.nodes(c, ids, size);
    }
    List<String> a = ids.subList(0, ids.size() / 2);
    List<String> b = ids.subList(ids.size() / 2, ids.size());
    SplitReads.Halves<List<GraphStore.NodeView>> h =
        split.both(c, x -> GraphStore.nodes(x, a, size), x -> GraphStore.nodes(x, b, size));
    List<GraphStore.NodeView> all = new ArrayList<>(h.first());
    all.addAll(h.second());
    return all;
  }

  private void traverse(
      Connection c,
      LineageQuery q,
      long size,
      List<String> start,
      Map<String, Integer> reached,
      List<GraphStore.EdgeView> edges)
      throws SQLException {
    start.forEach(n -> reached.put(n, 0));
    List<String> frontier = new ArrayList<>(start);
    String[] bound = GraphStore.textArray(frontier);
    for (String same : GraphStore.sameEntities(c, bound, size)) {
      if (reached.putIfAbsent(same, 0) == null) {
        frontier.add(same);
        bound = null;
      }
    }
    // BOTH meets an edge again from its other end's level (see below).
    Set<List<String>> edgesSeen = new java.util.HashSet<>();
    for (int d = 1; d <= q.depth() && !frontier.isEmpty(); d++) {
      GraphStore.Level level =
          level(c, bound != null ? bound : GraphStore.textArray(frontier), q.direction(), size);
      bound = null;
      // Every node is in one frontier only (reached is checked before it joins the next), so a
      // level going DOWN (UP) returns each edge leaving (entering) a node once in the whole
      // traversal, and the end away from the frontier is its to (from) end: no set of edges seen
      // and no frontier lookup, which cost an impact query thousands of string hashes. BOTH
      // returns an edge again from its other end's level, so it keeps the lookups.
      boolean both = q.direction() == LineageQuery.Direction.BOTH;
      Set<String> frontierSet = both ? new java.util.HashSet<>(frontier) : Set.of();
      Set<String> seen = new java.util.HashSet<>();
      List<String> next = new ArrayList<>();
      for (GraphStore.EdgeView e : level.edges()) {
        String end;
        if (!both) {
          edges.add(e);
          end = q.direction() == LineageQuery.Direction.DOWN ? e.to() : e.from();
        } else {
          if (edgesSeen.add(List.of(e.from(), e.rel(), e.to()))) {
            edges.add(e);
          }
          // Only the end away from the frontier is new ground (an edge may touch it at both).
          end = frontierSet.contains(e.from()) ? e.to() : e.from();
        }
        if (!reached.containsKey(end) && seen.add(end)) {
          next.add(end);
        }
      }
      // In id order within a distance (the answer's order), other names of the same entities after.
      java.util.Collections.sort(next);
      for (String n : next) {
        reached.put(n, d);
      }
      // The same run or content seen by another source is the same entity: reach it too.
      TreeSet<String> same = new TreeSet<>();
      for (String n : next) {
        same.addAll(level.sameAs().getOrDefault(n, List.of()));
      }
      for (String o : same) {
        if (reached.putIfAbsent(o, d) == null) {
          next.add(o);
        }
      }
      if (reached.size() > MAX_NODES) {
        throw new IllegalArgumentException(
            "the lineage of "
                + q.start()
                + " reaches more than "
                + MAX_NODES
                + " nodes within depth "
                + d
                + "; ask with depth < "
                + d);
      }
      frontier = next;
    }
  }

  /**
   * The records with these ids, each with its inclusion proof to {@code checkpoint} when {@code
   * proofs}: how answers built from several questions (a lineage page and its cross-check) cite
   * everything from one checkpoint.
   *
   * @throws IllegalArgumentException when an id is not a record included in {@code checkpoint}
   */
  public List<LineageAnswer.CitedRecord> citedRecords(
      java.util.Collection<Long> ids, SignedCheckpoint checkpoint, boolean proofs)
      throws SQLException {
    return cite(new TreeSet<>(ids), checkpoint.size(), proofs);
  }

  private List<LineageAnswer.CitedRecord> cite(Set<Long> ids, long size, boolean proofs)
      throws SQLException {
    List<StoredRecord> found = records(ids);
    if (found.size() != ids.size()) {
      throw new IllegalStateException(
          "the graph cites " + ids.size() + " records but " + found.size() + " exist");
    }
    List<LineageAnswer.CitedRecord> out = new ArrayList<>(found.size());
    if (!proofs) {
      found.forEach(r -> out.add(LineageAnswer.CitedRecord.of(r, Optional.empty())));
      return out;
    }
    try {
      List<InclusionProof> ps = log.inclusionProofs(found, size);
      for (int i = 0; i < found.size(); i++) {
        out.add(LineageAnswer.CitedRecord.of(found.get(i), Optional.of(ps.get(i))));
      }
      return out;
    } catch (ProofUnavailableException e) {
      // The graph only holds records below the checkpoint's size, so every proof exists.
      throw new IllegalStateException("no proof of a cited record: " + e.getMessage(), e);
    }
  }

  // Without full records an answer says what each cited record is but not its bytes: the rows'
  // narrow columns only (a page of an impact answer cites thousands of records, megabytes in full).
  private List<LineageAnswer.CitedRecord> citations(Connection c, GraphStore.Cited cited)
      throws SQLException {
    long[] ids = cited.ids();
    List<LineageAnswer.CitedRecord> found;
    if (ids.length < SPLIT_AT || !split.enabled()) {
      found = GraphStore.citations(c, cited, ids);
    } else {
      // Halves of the sorted ids: each half comes back in id order, so the answer is too.
      Arrays.sort(ids);
      long[] low = Arrays.copyOfRange(ids, 0, ids.length / 2);
      long[] high = Arrays.copyOfRange(ids, ids.length / 2, ids.length);
      SplitReads.Halves<List<LineageAnswer.CitedRecord>> h =
          split.both(
              c,
              x -> GraphStore.citations(x, cited, low),
              x -> GraphStore.citations(x, cited, high));
      found = new ArrayList<>(h.first());
      found.addAll(h.second());
    }
    if (found.size() != cited.size()) {
      throw new IllegalStateException(
          "the graph cites " + cited.size() + " records but " + found.size() + " exist");
    }
    return found;
  }

  // A lineage page's ids come with the leaf index the graph holds for each: no per-record leaf
  // lookup in the journal. Other ids are read through the journal.
  private List<StoredRecord> records(Set<Long> ids) throws SQLException {
    if (ids instanceof GraphStore.Cited cited) {
      try (Connection c = db.getConnection()) {
        return GraphStore.records(c, cited);
      }
    }
    return log.journal().records(ids);
  }

  private static String fingerprint(LineageQuery q) {
    String s = q.start() + "|" + q.direction() + "|" + q.depth() + "|" + q.proofs();
    return Integer.toHexString(s.hashCode());
  }

  /** Opaque page cursor: checkpoint size, offset, and which question it continues. */
  static final class Cursor {
    private Cursor() {}

    static String encode(long size, long offset, String fingerprint) {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              ("1:" + size + ":" + offset + ":" + fingerprint).getBytes(StandardCharsets.UTF_8));
    }

    static long[] decode(String cursor, String fingerprint) {
      try {
        String[] p =
            new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":");
        if (p.length == 4 && p[0].equals("1") && p[3].equals(fingerprint)) {
          long size = Long.parseLong(p[1]);
          long offset = Long.parseLong(p[2]);
          if (size >= 0 && offset >= 0) {
            return new long[] {size, offset};
          }
        }
      } catch (IllegalArgumentException e) {
        // falls through to the refusal below (NumberFormatException is one)
      }
      throw new IllegalArgumentException(
          "cursor '"
              + cursor
              + "' is not allowed: expected the nextCursor of a previous page of this same question");
    }
  }
}
