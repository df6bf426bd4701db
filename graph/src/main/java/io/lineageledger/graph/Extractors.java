package io.lineageledger.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The extractors every source shares: subjects become nodes; declared links become edges. */
public final class Extractors {
  // scheme://authority/collection/key…  (e.g. mlflow://prod/model-versions/churn/3)
  private static final Pattern URI_SUBJECT =
      Pattern.compile("[a-z][a-z0-9+.-]*://[^/]+/([a-z0-9][a-z0-9._-]{0,63})/(.+)");
  // prefix:key  (e.g. file:/data/train.csv, sha256:ab…, record:12)
  private static final Pattern PREFIXED = Pattern.compile("([a-z][a-z0-9._-]{0,63}):(.+)");

  // Prefixes that name a type other sources write as a URI collection: `mlflow-run:<id>` (how
  // runtime evidence names the run it saw in a process's environment) is a run like
  // `mlflow://<server>/runs/<id>`.
  private static final java.util.Map<String, String> PREFIX_TYPES =
      java.util.Map.of("mlflow-run", "runs");

  /**
   * Types whose key names one entity wherever it is seen (a run id is a UUID, a SHA-256 is the
   * content): nodes of these types with equal keys are the same entity, and a traversal that
   * reaches one reaches the others. Keys of other types (a model name and version) are only unique
   * within their source.
   */
  public static final java.util.Set<String> GLOBAL_KEY_TYPES = java.util.Set.of("runs", "sha256");

  private Extractors() {}

  /** Every subject of a record is a node. */
  public static EdgeExtractor subjects() {
    return (record, document) -> {
      List<GraphElements.Node> nodes = new ArrayList<>();
      for (JsonNode s : document.path("subjects")) {
        nodes.add(node(s.asText()));
      }
      return new GraphElements(nodes, List.of());
    };
  }

  /**
   * Edges a record states itself: {@code payload.links: [{from, rel, to}]}, subjects on both ends.
   * The general way for a source to put lineage in the journal without a source-specific extractor.
   */
  public static EdgeExtractor declaredLinks() {
    return (record, document) -> {
      JsonNode links = document.path("payload").path("links");
      if (!links.isArray() || links.isEmpty()) {
        return GraphElements.NONE;
      }
      List<GraphElements.Node> nodes = new ArrayList<>();
      List<GraphElements.Edge> edges = new ArrayList<>();
      for (JsonNode l : links) {
        String from = l.path("from").asText(null);
        String to = l.path("to").asText(null);
        edges.add(new GraphElements.Edge(from, l.path("rel").asText(null), to));
        nodes.add(node(from));
        nodes.add(node(to));
      }
      return new GraphElements(nodes, edges);
    };
  }

  /** The extractors of every source this build knows, joined. */
  public static EdgeExtractor standard() {
    return subjects().andThen(declaredLinks());
  }

  /**
   * The node a subject names: {@code scheme://authority/<type>/<key>} or {@code <type>:<key>};
   * anything else is of type {@code subject} keyed by itself.
   */
  public static GraphElements.Node node(String subject) {
    if (subject == null) {
      throw new IllegalArgumentException("subject 'null' is not allowed: expected text");
    }
    Matcher m = URI_SUBJECT.matcher(subject);
    if (m.matches()) {
      return new GraphElements.Node(subject, m.group(1), m.group(2));
    }
    m = PREFIXED.matcher(subject);
    if (m.matches()) {
      return new GraphElements.Node(
          subject, PREFIX_TYPES.getOrDefault(m.group(1), m.group(1)), m.group(2));
    }
    return new GraphElements.Node(subject, "subject", subject);
  }
}
