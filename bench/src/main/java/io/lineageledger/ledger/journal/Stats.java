package io.lineageledger.ledger.journal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;

/** Latency summaries in milliseconds (nearest-rank percentiles). */
final class Stats {
  private Stats() {}

  static ObjectNode latencyMs(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("count", s.length);
    if (s.length == 0) {
      return o;
    }
    o.put("p50", ms(percentile(s, 0.50)));
    o.put("p90", ms(percentile(s, 0.90)));
    o.put("p99", ms(percentile(s, 0.99)));
    o.put("max", ms(s[s.length - 1]));
    o.put("mean", ms((long) Arrays.stream(s).average().orElse(0)));
    return o;
  }

  static double median(List<Double> values) {
    double[] s = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static double ms(long nanos) {
    return round(nanos / 1e6, 3);
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  static String describe(ObjectNode latency) {
    return String.format(
        "p50 %.3f ms, p99 %.3f ms, max %.3f ms (n=%d)",
        latency.path("p50").asDouble(),
        latency.path("p99").asDouble(),
        latency.path("max").asDouble(),
        latency.path("count").asInt());
  }
}
