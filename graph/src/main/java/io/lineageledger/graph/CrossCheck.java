package io.lineageledger.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lineageledger.graph.CrossCheckAnswer.Finding;
import io.lineageledger.graph.CrossCheckAnswer.Status;
import io.lineageledger.ledger.journal.StoredRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The declared-versus-observed comparison for one run, a pure function of the records that mention
 * it. Declarations are MLflow dataset inputs ({@code mlflow.dataset_input} records, and the {@code
 * dataset_inputs} of {@code mlflow.run} records); observations are the files in {@code
 * ebpf.process} evidence of the run's process tree.
 *
 * <p>Matching: a declared digest is compared with file contents only when it is a full SHA-256 (64
 * hex digits, optionally {@code sha256:}-prefixed). MLflow's own dataset digests hash the loaded
 * data, not the file, so they cannot be compared with file bytes; such datasets are matched by
 * their source path (a {@code file://} URI or a path; a directory source matches files under it).
 */
final class CrossCheck {
  static final String DATASET_INPUT = "mlflow.dataset_input";
  static final String RUN = "mlflow.run";
  static final String EVIDENCE = "ebpf.process";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern FULL_SHA256 = Pattern.compile("(sha256:)?[0-9a-fA-F]{64}");

  private CrossCheck() {}

  record Declared(String name, String digest, String source, Set<Long> records) {}

  record Observed(String path, long bytesRead, Set<String> sha256, Set<Long> records) {}

  record Result(
      List<Finding> findings,
      List<Long> declaredRecords,
      List<Long> observedRecords,
      boolean captureComplete) {}

  static Result compare(List<StoredRecord> records, List<String> datasetPrefixes) {
    Map<String, Declared> declared = new LinkedHashMap<>();
    Map<String, Observed> observed = new LinkedHashMap<>();
    Set<Long> declaredRecords = new TreeSet<>();
    Set<Long> observedRecords = new TreeSet<>();
    boolean complete = true;
    for (StoredRecord r : records) {
      JsonNode payload = document(r).path("payload");
      switch (r.kind()) {
        case DATASET_INPUT -> {
          declare(declared, payload, r.id());
          declaredRecords.add(r.id());
        }
        case RUN -> {
          if (payload.path("dataset_inputs").size() > 0) {
            payload.path("dataset_inputs").forEach(d -> declare(declared, d, r.id()));
            declaredRecords.add(r.id());
          }
        }
        case EVIDENCE -> {
          observedRecords.add(r.id());
          complete &= payload.path("eventsLost").asLong(0) == 0;
          complete &= payload.path("updatesLost").asLong(0) == 0;
          for (JsonNode f : payload.path("files")) {
            long read = f.path("bytesRead").asLong(0);
            if (read == 0 && f.path("mmaps").asLong(0) == 0) {
              continue; // written or only opened: not an input
            }
            String path = f.path("path").asText("");
            Observed o =
                observed.computeIfAbsent(
                    path, p -> new Observed(p, 0, new TreeSet<>(), new TreeSet<>()));
            if (f.hasNonNull("sha256")) {
              o.sha256().add(f.get("sha256").asText().toLowerCase(Locale.ROOT));
            }
            o.records().add(r.id());
            observed.put(path, new Observed(path, o.bytesRead() + read, o.sha256(), o.records()));
          }
        }
        default -> {
          // other records mention the run without declaring or observing inputs
        }
      }
    }
    List<Finding> findings = new ArrayList<>();
    Set<String> explained = new LinkedHashSet<>();
    for (Declared d : declared.values()) {
      findings.add(judge(d, observed, explained));
    }
    for (Observed o : observed.values()) {
      if (!explained.contains(o.path()) && underPrefix(o.path(), datasetPrefixes)) {
        findings.add(
            new Finding(
                Status.OBSERVED_NOT_DECLARED,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(o.path()),
                List.copyOf(o.sha256()),
                o.bytesRead(),
                List.copyOf(o.records())));
      }
    }
    return new Result(
        findings, List.copyOf(declaredRecords), List.copyOf(observedRecords), complete);
  }

  private static Finding judge(Declared d, Map<String, Observed> observed, Set<String> explained) {
    Optional<String> fullDigest =
        FULL_SHA256.matcher(d.digest()).matches()
            ? Optional.of(d.digest().replaceFirst("^sha256:", "").toLowerCase(Locale.ROOT))
            : Optional.empty();
    List<Observed> byDigest = new ArrayList<>();
    List<Observed> byPath = new ArrayList<>();
    Optional<String> path = localPath(d.source());
    for (Observed o : observed.values()) {
      if (fullDigest.isPresent() && o.sha256().contains(fullDigest.get())) {
        byDigest.add(o);
      } else if (path.isPresent() && covers(path.get(), o.path())) {
        byPath.add(o);
      }
    }
    Status status;
    String matchedBy = null;
    List<Observed> involved;
    if (!byDigest.isEmpty()) {
      status = Status.CORROBORATED;
      matchedBy = "digest";
      involved = byDigest;
    } else if (!byPath.isEmpty()) {
      boolean mismatch =
          fullDigest.isPresent()
              && byPath.stream()
                  .anyMatch(o -> !o.sha256().isEmpty() && !o.sha256().contains(fullDigest.get()));
      status = mismatch ? Status.DIGEST_MISMATCH : Status.CORROBORATED;
      matchedBy = "path";
      involved = byPath;
    } else {
      status = Status.DECLARED_NOT_OBSERVED;
      involved = List.of();
    }
    Set<Long> recs = new TreeSet<>(d.records());
    Set<String> shas = new TreeSet<>();
    long bytes = 0;
    List<String> paths = new ArrayList<>();
    for (Observed o : involved) {
      explained.add(o.path());
      paths.add(o.path());
      shas.addAll(o.sha256());
      recs.addAll(o.records());
      bytes += o.bytesRead();
    }
    return new Finding(
        status,
        Optional.of(d.name()),
        d.digest().isEmpty() ? Optional.empty() : Optional.of(d.digest()),
        d.source().isEmpty() ? Optional.empty() : Optional.of(d.source()),
        Optional.ofNullable(matchedBy),
        paths,
        List.copyOf(shas),
        bytes,
        List.copyOf(recs));
  }

  private static void declare(Map<String, Declared> declared, JsonNode d, long record) {
    String name = d.path("name").asText("");
    String digest = d.path("digest").asText("");
    String source = d.path("source").asText("");
    Declared known =
        declared.computeIfAbsent(
            name + "@" + digest, k -> new Declared(name, digest, source, new TreeSet<>()));
    known.records().add(record);
  }

  /**
   * The local path an MLflow dataset source names: MLflow writes sources as JSON ({@code {"uri":
   * …}}, {@code {"url": …}}, {@code {"path": …}}); a plain string is taken as is.
   */
  static Optional<String> localPath(String source) {
    String s = source.trim();
    if (s.startsWith("{")) {
      try {
        JsonNode n = JSON.readTree(s);
        s = n.path("uri").asText(n.path("url").asText(n.path("path").asText("")));
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    if (s.startsWith("file://")) {
      s = s.substring("file://".length());
    }
    return s.startsWith("/") ? Optional.of(s) : Optional.empty();
  }

  private static boolean covers(String declared, String observed) {
    String dir = declared.endsWith("/") ? declared : declared + "/";
    return observed.equals(declared) || observed.startsWith(dir);
  }

  private static boolean underPrefix(String path, List<String> prefixes) {
    return prefixes.stream()
        .anyMatch(p -> covers(p.endsWith("/") ? p.substring(0, p.length() - 1) : p, path));
  }

  private static JsonNode document(StoredRecord r) {
    try {
      return JSON.readTree(r.canonical());
    } catch (IOException e) {
      throw new IllegalStateException("record " + r.id() + " holds no JSON document", e);
    }
  }
}
