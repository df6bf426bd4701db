package io.lineageledger.graph;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The JSON of a cross-check, as journaled and as answered. */
public final class CrossCheckJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CrossCheckJson() {}

  static ObjectNode payload(
      String runId, long treeSize, CrossCheck.Result r, List<String> prefixes) {
    ObjectNode p = JSON.createObjectNode();
    p.put("runId", runId);
    p.put("treeSize", treeSize);
    p.put("captureComplete", r.captureComplete());
    ArrayNode pre = p.putArray("datasetPrefixes");
    prefixes.forEach(pre::add);
    ArrayNode dr = p.putArray("declaredRecords");
    r.declaredRecords().forEach(dr::add);
    ArrayNode or = p.putArray("observedRecords");
    r.observedRecords().forEach(or::add);
    p.set("findings", findings(r.findings()));
    return p;
  }

  /** The findings as a JSON array. */
  public static ArrayNode findings(List<CrossCheckAnswer.Finding> findings) {
    ArrayNode out = JSON.createArrayNode();
    for (CrossCheckAnswer.Finding f : findings) {
      ObjectNode o = out.addObject();
      o.put("status", f.status().wire());
      f.dataset().ifPresent(v -> o.put("dataset", v));
      f.declaredDigest().ifPresent(v -> o.put("declaredDigest", v));
      f.declaredSource().ifPresent(v -> o.put("declaredSource", v));
      f.matchedBy().ifPresent(v -> o.put("matchedBy", v));
      ArrayNode paths = o.putArray("paths");
      f.paths().forEach(paths::add);
      ArrayNode shas = o.putArray("observedSha256");
      f.observedSha256().forEach(shas::add);
      o.put("bytesRead", f.bytesRead());
      ArrayNode recs = o.putArray("records");
      f.records().forEach(recs::add);
    }
    return out;
  }
}
