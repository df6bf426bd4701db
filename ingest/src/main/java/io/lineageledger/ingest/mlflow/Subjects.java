package io.lineageledger.ingest.mlflow;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Subject names of MLflow entities, shared by every record that mentions them, so records about the
 * same entity (from a webhook or from the sync) meet in the lineage graph. Form: {@code
 * mlflow://<source>/<collection>/<id…>}, each free-text segment percent-encoded.
 */
final class Subjects {
  private final String source;

  Subjects(String source) {
    this.source = source;
  }

  private String base() {
    return "mlflow://" + source + "/";
  }

  static String seg(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  String registeredModel(String name) {
    return base() + "registered-models/" + seg(name);
  }

  String modelVersion(String name, String version) {
    return base() + "model-versions/" + seg(name) + "/" + seg(version);
  }

  String run(String runId) {
    return base() + "runs/" + seg(runId);
  }

  String experiment(String experimentId) {
    return base() + "experiments/" + seg(experimentId);
  }

  String loggedModel(String modelId) {
    return base() + "logged-models/" + seg(modelId);
  }

  /** A dataset as MLflow identifies it: name and digest. */
  String dataset(String name, String digest) {
    return base() + "datasets/" + seg(name) + "@" + seg(digest);
  }

  String alias(String name, String alias) {
    return base() + "registered-models/" + seg(name) + "/aliases/" + seg(alias);
  }
}
