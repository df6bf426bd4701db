package io.lineageledger.ledger.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's records: every field is fixed-width, so every record's RFC 8785 form is exactly
 * {@link #CANONICAL_BYTES} bytes and the COPY reference can store the very same documents.
 */
final class Workload {
  static final int CANONICAL_BYTES = 300;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Instant BASE = Instant.parse("2025-01-01T00:00:00Z");

  private final String pad;

  Workload() {
    int without = build(0, "").canonicalBytes().length;
    if (without >= CANONICAL_BYTES) {
      throw new IllegalStateException("record skeleton is already " + without + " bytes");
    }
    pad = "x".repeat(CANONICAL_BYTES - without);
    int with = record(123_456_789L).canonicalBytes().length;
    if (with != CANONICAL_BYTES) {
      throw new IllegalStateException("record is " + with + " bytes, not " + CANONICAL_BYTES);
    }
  }

  Record record(long i) {
    return build(i, pad);
  }

  List<Record> batch(long from, int n) {
    List<Record> out = new ArrayList<>(n);
    for (long i = from; i < from + n; i++) {
      out.add(record(i));
    }
    return out;
  }

  private static Record build(long i, String pad) {
    ObjectNode payload = MAPPER.createObjectNode();
    payload.put("run", String.format("run-%08d", i / 1000));
    payload.put("metric", "val_loss");
    payload.put("value", String.format("0.%06d", i % 1_000_000));
    payload.put("pad", pad);
    return Record.of(
        "bench",
        "bench.metric.logged",
        String.format("r-%012d", i),
        BASE.plusSeconds(i % 86_400 + 1),
        List.of(String.format("model:bench/m-%05d", i % 10_000)),
        payload);
  }
}
