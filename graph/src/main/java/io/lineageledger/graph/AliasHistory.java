package io.lineageledger.graph;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lineageledger.ledger.journal.StoredRecord;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which version held each alias of a registered model, from when to when, read from the alias edges
 * records state: {@code version —carries-alias→ alias} when it is set or moved, {@code model
 * —alias-removed→ alias} when it is removed. The alias is downstream of the version, so what a
 * dataset impacts includes the aliases its models carry. Times are the records' {@code observedAt}
 * (when the source saw the change); order is the log's.
 */
final class AliasHistory {
  static final String CARRIES = "carries-alias";
  static final String REMOVED = "alias-removed";
  private static final ObjectMapper JSON = new ObjectMapper();

  private AliasHistory() {}

  private record Event(String alias, String rel, String other, long leaf, long seq) {}

  static List<AliasHistoryAnswer.Interval> read(
      Connection c, String modelKeyPrefix, long treeSize, RecordReader records)
      throws SQLException {
    List<Event> events = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT e.to_node, e.rel, e.from_node, e.leaf_index, e.record_seq FROM graph_edges e"
                + " WHERE e.to_node IN (SELECT DISTINCT node FROM graph_nodes WHERE type ="
                + " 'registered-models' AND key LIKE ? AND leaf_index < ?)"
                + " AND e.rel IN ('"
                + CARRIES
                + "', '"
                + REMOVED
                + "') AND e.leaf_index < ? ORDER BY e.leaf_index")) {
      ps.setString(1, likeEscape(modelKeyPrefix) + "/aliases/%");
      ps.setLong(2, treeSize);
      ps.setLong(3, treeSize);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          events.add(
              new Event(
                  rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)));
        }
      }
    }
    Map<Long, Instant> observed = new HashMap<>();
    for (StoredRecord r : records.read(events.stream().map(Event::seq).distinct().toList())) {
      observed.put(r.id(), observedAt(r));
    }
    List<AliasHistoryAnswer.Interval> out = new ArrayList<>();
    Map<String, Integer> open = new LinkedHashMap<>();
    for (Event e : events) {
      Instant at = observed.get(e.seq());
      Integer current = open.remove(e.alias());
      if (current != null) {
        AliasHistoryAnswer.Interval i = out.get(current);
        out.set(
            current,
            new AliasHistoryAnswer.Interval(
                i.alias(),
                i.version(),
                i.from(),
                Optional.of(at),
                List.of(i.records().get(0), e.seq())));
      }
      if (e.rel().equals(CARRIES)) {
        open.put(e.alias(), out.size());
        out.add(
            new AliasHistoryAnswer.Interval(
                e.alias(), e.other(), at, Optional.empty(), List.of(e.seq())));
      }
    }
    return out;
  }

  interface RecordReader {
    List<StoredRecord> read(List<Long> ids) throws SQLException;
  }

  private static Instant observedAt(StoredRecord r) {
    try {
      return Instant.parse(JSON.readTree(r.canonical()).path("observedAt").asText());
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("record " + r.id() + " has no observedAt", e);
    }
  }

  private static String likeEscape(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
