package io.lineageledger.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lineageledger.graph.ModelCrossCheckAnswer.ArtifactLocation;
import io.lineageledger.graph.ModelCrossCheckAnswer.Finding;
import io.lineageledger.graph.ModelCrossCheckAnswer.Flow;
import io.lineageledger.graph.ModelCrossCheckAnswer.ServingProcess;
import io.lineageledger.graph.ModelCrossCheckAnswer.Status;
import io.lineageledger.ledger.journal.StoredRecord;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The model-version cross-check: what actually served a version, from the journal alone.
 *
 * <p>How a serving process is tied to a version. (1) Where the artifacts are: the version's {@code
 * source} when it is a local path, the {@code artifact_uri} of its logged model (MLflow 3, {@code
 * models:/m-…} sources), or its run's {@code artifact_uri} joined with a {@code runs:/<id>/<sub>}
 * source. (2) The artifact digests: files under those locations that processes of the version's run
 * (eBPF evidence carrying its {@code MLFLOW_RUN_ID}) wrote, with the SHA-256 the evidence computed.
 * MLflow keeps no digest of model files, so a version whose run was not observed writing its
 * artifacts has none, and nothing is matched ({@code artifact-not-observed}). (3) The serving
 * processes: any tracked process outside the run that opened, read or mapped a file whose content
 * digest equals an artifact digest, whatever its path (a copy of the model is the model). (4) What
 * they served: their TCP flows on serving ports (all their flows when none are configured), with
 * bytes and the evidence windows' time ranges.
 */
final class ModelCrossCheck {
  static final String MODEL_VERSION = "mlflow.model_version";
  static final String LOGGED_MODEL = "mlflow.logged_model";
  static final String WINDOW = "ebpf.window";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelCrossCheck() {}

  /** The records (below the answer's checkpoint) that mention a node of this type and key. */
  interface Lookup {
    List<StoredRecord> mentioning(String type, String key) throws SQLException;
  }

  record Result(
      Optional<String> runId,
      List<ArtifactLocation> locations,
      List<Finding> findings,
      List<Long> declaredRecords,
      List<Long> observedRecords,
      boolean captureComplete) {}

  private record Artifact(String path, String sha256, String digestNote, long bytesWritten) {}

  private static final class Loader {
    final String id;
    String comm = "";
    String executable = "";
    long bytesRead;
    long opens;
    long mmaps;
    final Set<String> paths = new TreeSet<>();
    final Set<String> sha256 = new TreeSet<>();
    final Set<Long> records = new TreeSet<>();

    Loader(String id) {
      this.id = id;
    }
  }

  private static final class FlowSum {
    final JsonNode first;
    long sent;
    long received;
    Instant from;
    Instant until;
    final Set<Long> records = new TreeSet<>();

    FlowSum(JsonNode first) {
      this.first = first;
    }
  }

  static Result compare(List<StoredRecord> versionRecords, Lookup lookup, List<Integer> ports)
      throws SQLException {
    Set<Long> declared = new TreeSet<>();
    Set<Long> observed = new TreeSet<>();
    boolean[] complete = {true};
    List<Finding> findings = new ArrayList<>();
    Optional<StoredRecord> version =
        versionRecords.stream()
            .filter(r -> r.kind().equals(MODEL_VERSION))
            .max(Comparator.comparingLong(r -> r.leafIndex().orElse(-1)));
    if (version.isEmpty()) {
      findings.add(
          finding(
              Status.ARTIFACT_NOT_OBSERVED,
              "no " + MODEL_VERSION + " record states where this version's artifacts are",
              List.of()));
      return new Result(Optional.empty(), List.of(), findings, List.of(), List.of(), true);
    }
    JsonNode v = payload(version.get());
    declared.add(version.get().id());
    String server = v.path("server").asText("");
    String runId = v.path("run_id").asText("");
    String source = v.path("source").asText("");
    String modelId = v.path("model_id").asText("");

    List<ArtifactLocation> locations = new ArrayList<>();
    location(locations, source, "model version source", version.get().id());
    if (!modelId.isEmpty()) {
      latest(lookup.mentioning("logged-models", modelId), LOGGED_MODEL, server)
          .ifPresent(
              m -> {
                declared.add(m.id());
                location(
                    locations,
                    payload(m).path("artifact_uri").asText(""),
                    "logged model artifact_uri",
                    m.id());
              });
    }
    List<StoredRecord> runRecords = runId.isEmpty() ? List.of() : lookup.mentioning("runs", runId);
    if (source.startsWith("runs:/")) {
      String rest = source.substring("runs:/".length());
      int slash = rest.indexOf('/');
      String sub = slash < 0 ? "" : rest.substring(slash + 1);
      latest(runRecords, CrossCheck.RUN, server)
          .ifPresent(
              run -> {
                declared.add(run.id());
                String base = payload(run).path("artifact_uri").asText("");
                location(
                    locations,
                    sub.isEmpty() ? base : base + "/" + sub,
                    "run artifact_uri + runs:/ source path",
                    run.id());
              });
    }
    List<String> paths = locations.stream().flatMap(l -> l.path().stream()).distinct().toList();

    // (2) The artifact files the run's processes wrote.
    Map<String, Artifact> artifacts = new LinkedHashMap<>();
    Map<String, Set<Long>> artifactRecords = new HashMap<>();
    for (StoredRecord r : runRecords) {
      if (!r.kind().equals(CrossCheck.EVIDENCE)) {
        continue;
      }
      JsonNode p = payload(r);
      for (JsonNode f : p.path("files")) {
        String path = f.path("path").asText("");
        long written = f.path("bytesWritten").asLong(0);
        if (written == 0 || paths.stream().noneMatch(l -> covers(l, path))) {
          continue;
        }
        String sha =
            f.hasNonNull("sha256") ? f.get("sha256").asText().toLowerCase(Locale.ROOT) : "";
        String key = path + "\n" + sha;
        Artifact a = artifacts.get(key);
        artifacts.put(
            key,
            new Artifact(
                path,
                sha,
                f.path("digestNote").asText(""),
                (a == null ? 0 : a.bytesWritten()) + written));
        artifactRecords.computeIfAbsent(key, k -> new TreeSet<>()).add(r.id());
        observed.add(r.id());
        complete[0] &= lossless(p);
      }
    }
    if (locations.isEmpty()) {
      findings.add(
          finding(
              Status.ARTIFACT_NOT_OBSERVED,
              "the version's records name no artifact location (source '" + source + "')",
              List.copyOf(declared)));
    } else if (paths.isEmpty()) {
      findings.add(
          finding(
              Status.ARTIFACT_NOT_OBSERVED,
              "no artifact location is a local path ("
                  + locations.stream().map(ArtifactLocation::uri).toList()
                  + "): files cannot be matched with it",
              List.copyOf(declared)));
    } else if (artifacts.isEmpty()) {
      findings.add(
          finding(
              Status.ARTIFACT_NOT_OBSERVED,
              runId.isEmpty()
                  ? "the version names no run whose processes could have been observed"
                  : "no process of run "
                      + runId
                      + " was observed writing under "
                      + paths
                      + ": no artifact digest to match serving processes with",
              List.copyOf(declared)));
    }
    Set<String> digests = new TreeSet<>();
    for (Map.Entry<String, Artifact> e : artifacts.entrySet()) {
      Artifact a = e.getValue();
      Set<Long> recs = new TreeSet<>(artifactRecords.get(e.getKey()));
      recs.addAll(declared);
      boolean digested = !a.sha256().isEmpty();
      if (digested) {
        digests.add(a.sha256());
      }
      findings.add(
          new Finding(
              Status.ARTIFACT_OBSERVED,
              "written by run "
                  + runId
                  + (digested
                      ? ""
                      : "; no content digest (" + a.digestNote() + "), so no server can match it"),
              List.of(a.path()),
              digested ? List.of(a.sha256()) : List.of(),
              a.bytesWritten(),
              Optional.empty(),
              List.copyOf(recs)));
    }

    // (3) Processes outside the run that loaded a file with an artifact digest.
    Map<String, Loader> loaders = new LinkedHashMap<>();
    for (String sha : digests) {
      for (StoredRecord r : lookup.mentioning("sha256", sha)) {
        if (!r.kind().equals(CrossCheck.EVIDENCE)) {
          continue;
        }
        JsonNode p = payload(r);
        if (runId.equals(p.path("env").path("MLFLOW_RUN_ID").asText(null))) {
          continue; // the run itself (it wrote the model, or read it back)
        }
        Optional<String> proc = processNode(r);
        if (proc.isEmpty()) {
          continue;
        }
        for (JsonNode f : p.path("files")) {
          if (!sha.equalsIgnoreCase(f.path("sha256").asText(""))) {
            continue;
          }
          long read = f.path("bytesRead").asLong(0);
          long mmaps = f.path("mmaps").asLong(0);
          long opens = f.path("opens").asLong(0);
          if (read == 0 && mmaps == 0 && (opens == 0 || f.path("bytesWritten").asLong(0) > 0)) {
            continue; // a writer, not a loader
          }
          Loader l = loaders.computeIfAbsent(proc.get(), Loader::new);
          l.comm = p.path("comm").asText(l.comm);
          l.executable = p.path("executable").asText(l.executable);
          l.bytesRead += read;
          l.mmaps += mmaps;
          l.opens += opens;
          l.paths.add(f.path("path").asText(""));
          l.sha256.add(sha);
          l.records.add(r.id());
          observed.add(r.id());
          complete[0] &= lossless(p);
        }
      }
    }

    // (4) What each of them served, over all its evidence (it may serve long after loading).
    Map<String, Instant[]> windows = new HashMap<>();
    for (Loader l : loaders.values()) {
      Map<String, FlowSum> flows = new LinkedHashMap<>();
      Set<String> otherKeys = new TreeSet<>();
      for (StoredRecord r : lookup.mentioning("process", Extractors.node(l.id).key())) {
        if (!r.kind().equals(CrossCheck.EVIDENCE)) {
          continue;
        }
        JsonNode p = payload(r);
        Instant[] w = window(windows, p.path("window").asText(""), lookup, observed, complete);
        for (JsonNode f : p.path("flows")) {
          int local = f.path("localPort").asInt();
          String key =
              f.path("localAddress").asText()
                  + ":"
                  + local
                  + "<->"
                  + f.path("remoteAddress").asText()
                  + ":"
                  + f.path("remotePort").asInt();
          if (!ports.isEmpty() && !ports.contains(local)) {
            otherKeys.add(key);
            continue;
          }
          FlowSum s = flows.computeIfAbsent(key, k -> new FlowSum(f));
          s.sent += f.path("bytesSent").asLong(0);
          s.received += f.path("bytesReceived").asLong(0);
          s.from = s.from == null || w[0].isBefore(s.from) ? w[0] : s.from;
          s.until = s.until == null || w[1].isAfter(s.until) ? w[1] : s.until;
          s.records.add(r.id());
          l.records.add(r.id());
          observed.add(r.id());
          complete[0] &= lossless(p);
        }
      }
      List<Flow> served = new ArrayList<>();
      long sent = 0;
      long received = 0;
      Instant from = null;
      Instant until = null;
      for (FlowSum s : flows.values()) {
        if (s.sent + s.received == 0) {
          continue;
        }
        served.add(
            new Flow(
                s.first.path("localAddress").asText(),
                s.first.path("localPort").asInt(),
                s.first.path("remoteAddress").asText(),
                s.first.path("remotePort").asInt(),
                s.sent,
                s.received,
                s.from,
                s.until,
                List.copyOf(s.records)));
        sent += s.sent;
        received += s.received;
        from = from == null || s.from.isBefore(from) ? s.from : from;
        until = until == null || s.until.isAfter(until) ? s.until : until;
      }
      Set<Long> recs = new TreeSet<>(l.records);
      for (Map.Entry<String, Artifact> e : artifacts.entrySet()) {
        if (l.sha256.contains(e.getValue().sha256())) {
          recs.addAll(artifactRecords.get(e.getKey()));
        }
      }
      recs.addAll(declared);
      for (FlowSum s : flows.values()) {
        recs.addAll(s.records);
      }
      String ports0 = ports.isEmpty() ? "any port" : "ports " + ports;
      findings.add(
          new Finding(
              served.isEmpty() ? Status.LOADED_NOT_SERVED : Status.SERVED,
              served.isEmpty()
                  ? "loaded the artifact; no TCP flow on " + ports0 + " was seen"
                  : "loaded the artifact and served " + served.size() + " TCP flow(s) on " + ports0,
              List.copyOf(l.paths),
              List.copyOf(l.sha256),
              0,
              Optional.of(
                  new ServingProcess(
                      l.id,
                      l.comm,
                      l.executable,
                      l.bytesRead,
                      l.opens,
                      l.mmaps,
                      served,
                      otherKeys.size(),
                      sent,
                      received,
                      Optional.ofNullable(from),
                      Optional.ofNullable(until))),
              List.copyOf(recs)));
    }
    return new Result(
        runId.isEmpty() ? Optional.empty() : Optional.of(runId),
        locations,
        findings,
        List.copyOf(declared),
        List.copyOf(observed),
        complete[0]);
  }

  // The window an evidence record belongs to: its ebpf.window record gives start and end.
  private static Instant[] window(
      Map<String, Instant[]> cache,
      String id,
      Lookup lookup,
      Set<Long> observed,
      boolean[] complete)
      throws SQLException {
    Instant[] w = cache.get(id);
    if (w != null) {
      return w;
    }
    for (StoredRecord r : lookup.mentioning("ebpf-window", id)) {
      if (r.kind().equals(WINDOW)) {
        JsonNode p = payload(r);
        w =
            new Instant[] {
              Instant.parse(p.path("start").asText()), Instant.parse(p.path("end").asText())
            };
        observed.add(r.id());
        complete[0] &= lossless(p);
        break;
      }
    }
    if (w == null) {
      throw new IllegalStateException(
          "evidence names window '" + id + "' but no " + WINDOW + " record of it is included");
    }
    cache.put(id, w);
    return w;
  }

  private static Optional<String> processNode(StoredRecord r) {
    for (JsonNode s : document(r).path("subjects")) {
      if (s.asText().startsWith("process:")) {
        return Optional.of(s.asText());
      }
    }
    return Optional.empty();
  }

  private static boolean lossless(JsonNode p) {
    return p.path("eventsLost").asLong(0) == 0 && p.path("updatesLost").asLong(0) == 0;
  }

  private static Optional<StoredRecord> latest(
      List<StoredRecord> records, String kind, String server) {
    return records.stream()
        .filter(r -> r.kind().equals(kind))
        .filter(r -> payload(r).path("server").asText("").equals(server))
        .max(Comparator.comparingLong(r -> r.leafIndex().orElse(-1)));
  }

  private static void location(
      List<ArtifactLocation> out, String uri, String statedBy, long record) {
    if (uri.isEmpty() || uri.startsWith("models:/") || uri.startsWith("runs:/")) {
      return; // indirections, resolved through the logged model or the run
    }
    out.add(new ArtifactLocation(uri, CrossCheck.localPath(uri), statedBy, List.of(record)));
  }

  private static boolean covers(String dir, String path) {
    String d = dir.endsWith("/") ? dir : dir + "/";
    return path.equals(dir) || path.startsWith(d);
  }

  private static Finding finding(Status s, String detail, List<Long> records) {
    return new Finding(s, detail, List.of(), List.of(), 0, Optional.empty(), records);
  }

  private static JsonNode payload(StoredRecord r) {
    return document(r).path("payload");
  }

  private static JsonNode document(StoredRecord r) {
    try {
      return JSON.readTree(r.canonical());
    } catch (IOException e) {
      throw new IllegalStateException("record " + r.id() + " holds no JSON document", e);
    }
  }
}
