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

  static ObjectNode modelPayload(
      String version,
      List<String> versionNodes,
      long treeSize,
      ModelCrossCheck.Result r,
      List<Integer> servingPorts) {
    ObjectNode p = JSON.createObjectNode();
    p.put("modelVersion", version);
    ArrayNode nodes = p.putArray("modelVersionNodes");
    versionNodes.forEach(nodes::add);
    r.runId().ifPresent(id -> p.put("runId", id));
    p.put("treeSize", treeSize);
    p.put("captureComplete", r.captureComplete());
    ArrayNode ports = p.putArray("servingPorts");
    servingPorts.forEach(ports::add);
    p.set("artifactLocations", locations(r.locations()));
    ArrayNode dr = p.putArray("declaredRecords");
    r.declaredRecords().forEach(dr::add);
    ArrayNode or = p.putArray("observedRecords");
    r.observedRecords().forEach(or::add);
    p.set("findings", modelFindings(r.findings()));
    return p;
  }

  /** Where a version's artifacts are, as a JSON array. */
  public static ArrayNode locations(List<ModelCrossCheckAnswer.ArtifactLocation> locations) {
    ArrayNode out = JSON.createArrayNode();
    for (ModelCrossCheckAnswer.ArtifactLocation l : locations) {
      ObjectNode o = out.addObject().put("uri", l.uri());
      l.path().ifPresent(v -> o.put("path", v));
      o.put("statedBy", l.statedBy());
      ArrayNode recs = o.putArray("records");
      l.records().forEach(recs::add);
    }
    return out;
  }

  /** Model-version findings as a JSON array. */
  public static ArrayNode modelFindings(List<ModelCrossCheckAnswer.Finding> findings) {
    ArrayNode out = JSON.createArrayNode();
    for (ModelCrossCheckAnswer.Finding f : findings) {
      ObjectNode o = out.addObject();
      o.put("status", f.status().wire());
      o.put("detail", f.detail());
      ArrayNode paths = o.putArray("paths");
      f.paths().forEach(paths::add);
      ArrayNode shas = o.putArray("sha256");
      f.sha256().forEach(shas::add);
      if (f.bytesWritten() > 0) {
        o.put("bytesWritten", f.bytesWritten());
      }
      f.process()
          .ifPresent(
              sp -> {
                ObjectNode po = o.putObject("process");
                po.put("id", sp.id())
                    .put("comm", sp.comm())
                    .put("executable", sp.executable())
                    .put("bytesRead", sp.bytesRead())
                    .put("opens", sp.opens())
                    .put("mmaps", sp.mmaps())
                    .put("bytesSent", sp.bytesSent())
                    .put("bytesReceived", sp.bytesReceived())
                    .put("otherFlows", sp.otherFlows());
                sp.from().ifPresent(t -> po.put("from", t.toString()));
                sp.until().ifPresent(t -> po.put("until", t.toString()));
                ArrayNode flows = po.putArray("servedFlows");
                for (ModelCrossCheckAnswer.Flow fl : sp.servedFlows()) {
                  ObjectNode fo =
                      flows
                          .addObject()
                          .put("localAddress", fl.localAddress())
                          .put("localPort", fl.localPort())
                          .put("remoteAddress", fl.remoteAddress())
                          .put("remotePort", fl.remotePort())
                          .put("bytesSent", fl.bytesSent())
                          .put("bytesReceived", fl.bytesReceived())
                          .put("from", fl.from().toString())
                          .put("until", fl.until().toString());
                  ArrayNode fr = fo.putArray("records");
                  fl.records().forEach(fr::add);
                }
              });
      ArrayNode recs = o.putArray("records");
      f.records().forEach(recs::add);
    }
    return out;
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
