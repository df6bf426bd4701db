package io.lineageledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.ingest.mlflow.FakeMlflow;
import io.lineageledger.ingest.mlflow.Fixtures;
import io.lineageledger.platform.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One provenance story through the real ingest paths: MLflow (the fake, with recorded answer
 * shapes) announces a run and its model versions by signed webhooks into the service's inbox, which
 * enriches them; the service's own eBPF probes watch a training job (a child process carrying
 * {@code MLFLOW_RUN_ID} that reads dataset files and writes the model) and an inference server (a
 * child that loads the model file and serves TCP on 127.0.0.1), and journal evidence windows. Then
 * the questions an auditor asks: the graph, both cross-checks, alias history, impact, time travel,
 * and answers with proofs that verify offline. Needs root and BPF (fails with CI=true without).
 */
class ProvenanceScenarioIT {
  private static final String SECRET = "scenario-secret";
  private static final String MODEL = "ScenarioModel";
  private static final String SERVING_ENV = "LINEAGE_SERVING_ID";
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private Vertx vertx;
  private FakeMlflow mlflow;
  private TestService service;
  private JournalClient client;

  @AfterEach
  void stop() throws Exception {
    if (service != null) {
      service.close();
    }
    if (mlflow != null) {
      mlflow.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void scenario_realWebhooksAndProbes_graphCrossChecksAliasesImpactTimeTravelAndProofs()
      throws Exception {
    Privileged.requireProbes();
    Path root = dir.toRealPath();
    Path data = Files.createDirectories(root.resolve("data"));
    Files.writeString(data.resolve("train.csv"), "f0,f1,label\n1,2,0\n3,4,1\n");
    Files.writeString(data.resolve("eval.csv"), "f0,f1,label\n5,6,1\n");
    Files.writeString(data.resolve("holdout.csv"), "f0,f1,label\n7,8,0\n");
    Files.writeString(data.resolve("extra.csv"), "f0,f1,label\n9,9,9\n");
    String trainSha = sha256(Files.readAllBytes(data.resolve("train.csv")));
    // What the run declares eval.csv to be; the file it reads holds something else.
    String evalDeclaredSha = sha256("f0,f1,label\n5,6,0\n".getBytes(StandardCharsets.UTF_8));
    String runId = UUID.randomUUID().toString().replace("-", "");
    String modelId = "m-" + UUID.randomUUID().toString().replace("-", "");
    Path artifacts =
        Files.createDirectories(root.resolve("mlruns/1/models/" + modelId + "/artifacts"));
    Path model = artifacts.resolve("model.pkl");
    int port = freePort();

    vertx = Vertx.vertx();
    mlflow = FakeMlflow.recorded(vertx);
    Map<String, String> env = new HashMap<>();
    env.put("LINEAGE_MLFLOW_SOURCES", "prod=" + mlflow.url());
    env.put("LINEAGE_MLFLOW_WEBHOOK_SECRETS", "prod=" + SECRET);
    env.put("LINEAGE_MLFLOW_SYNC_INTERVAL_SECONDS", "0");
    env.put("LINEAGE_MLFLOW_INBOX_POLL_MILLIS", "50");
    env.put("LINEAGE_LOG_SEQUENCE_INTERVAL_MILLIS", "20");
    env.put("LINEAGE_LOG_CHECKPOINT_INTERVAL_MILLIS", "0");
    env.put("LINEAGE_ANCHOR_INTERVAL_SECONDS", "0");
    env.put("LINEAGE_ANCHOR_CHECK_MILLIS", "50");
    env.put("LINEAGE_EVIDENCE_ENABLED", "true");
    env.put("LINEAGE_EVIDENCE_WINDOW_SECONDS", "1");
    env.put("LINEAGE_EVIDENCE_ENV_NAMES", "MLFLOW_RUN_ID,MLFLOW_EXPERIMENT_ID," + SERVING_ENV);
    env.put("LINEAGE_CROSS_CHECK_DATASET_PREFIXES", data.toString());
    env.put("LINEAGE_CROSS_CHECK_SERVING_PORTS", Integer.toString(port));
    service = TestService.start(env);
    client = JournalClient.of(service);
    JsonObject evidence =
        new JsonObject(service.get("/health", null).body())
            .getJsonObject("checks")
            .getJsonObject("runtimeEvidence");
    if (!"ON".equals(evidence.getString("status"))) {
      Privileged.require("the service's probes are off: " + evidence.getString("reason"));
    }

    // 1. The training job: one process reads train, eval and extra (not holdout) and writes the
    // model (its stdout), so the kernel sees the data flow into the model through it.
    sh(
        root,
        Map.of("MLFLOW_RUN_ID", runId),
        "cat '"
            + data.resolve("train.csv")
            + "' '"
            + data.resolve("eval.csv")
            + "' '"
            + data.resolve("extra.csv")
            + "' > '"
            + model
            + "'");
    String modelSha = sha256(Files.readAllBytes(model));
    awaitEvidence("the training job's evidence naming the model digest", runId, modelSha);

    // 2. MLflow: the run, its logged model and version 1, announced by a signed webhook.
    mlflow.putRun(
        runId,
        run(runId, artifacts.getParent().getParent(), modelId, data, trainSha, evalDeclaredSha));
    mlflow.putLoggedModel(modelId, loggedModel(modelId, runId, artifacts));
    long t = System.currentTimeMillis();
    mlflow.createVersion(MODEL, t, runId, "models:/" + modelId);
    webhook("model_version", "created", versionEvent("1", runId, modelId));

    // 3. The inference server: loads the model, serves three requests on 127.0.0.1:port.
    String servingId = UUID.randomUUID().toString();
    Process server = startServer(root, model, port, 3, servingId);
    List<String> answers = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        String req = "predict " + i;
        Await.until(
            Duration.ofSeconds(20),
            "the inference server to answer on port " + port,
            () -> {
              String a = request(port, req);
              if (a != null) {
                answers.add(a);
              }
              return a != null;
            });
      }
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue())
          .as(new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
          .isZero();
    } finally {
      server.destroyForcibly();
    }
    assertThat(answers).allSatisfy(a -> assertThat(a).startsWith("prediction"));
    awaitEvidence("the server's evidence with its flows", servingId, "\"localPort\":" + port);

    // 4. Alias champion on version 1.
    mlflow.setAlias(MODEL, "champion", "1");
    webhook("model_version_alias", "created", aliasEvent("1"));

    // Checkpoint N: everything so far is journaled, sequenced, signed and projected.
    awaitLineage(MODEL + "/1", "", a -> true);
    awaitAliases("", h -> h.size() == 1);
    long n =
        new JsonObject(service.get("/api/v1/checkpoints/latest", client.auditorKey).body())
            .getLong("size");

    // 5. After N: version 2 from the same run, and champion moves to it.
    mlflow.createVersion(MODEL, System.currentTimeMillis(), runId, "models:/" + modelId);
    webhook("model_version", "created", versionEvent("2", runId, modelId));
    mlflow.setAlias(MODEL, "champion", "2");
    webhook("model_version_alias", "created", aliasEvent("2"));

    String v1 = "mlflow://prod/model-versions/" + MODEL + "/1";
    String v2 = "mlflow://prod/model-versions/" + MODEL + "/2";
    String runNode = "mlflow://prod/runs/" + runId;

    // The graph: version 1 upstream to its run, the run's datasets, its processes and the files
    // they read.
    JsonObject up =
        awaitLineage(
            MODEL + "/1", "&direction=up&depth=4", a -> ids(a).contains("sha256:" + trainSha));
    assertThat(ids(up))
        .contains(
            v1,
            runNode,
            "mlflow-run:" + runId,
            "mlflow://prod/logged-models/" + modelId,
            "mlflow://prod/datasets/train@" + trainSha,
            "sha256:" + trainSha);
    assertThat(ids(up)).anyMatch(id -> id.startsWith("process:"));
    assertThat(edges(up))
        .contains(
            runNode + " produced " + v1,
            "mlflow://prod/datasets/train@" + trainSha + " input_to " + runNode,
            "mlflow://prod/logged-models/" + modelId + " registered_as " + v1);
    assertThat(edges(up)).anyMatch(e -> e.endsWith(" executed_for mlflow-run:" + runId));
    assertThat(edges(up)).anyMatch(e -> e.startsWith("sha256:" + trainSha + " read_by process:"));

    // Run cross-check: each of the four statuses.
    JsonObject rc =
        awaitOk(
            "/api/v1/runs/" + runId + "/cross-check", a -> a.getJsonArray("findings").size() == 4);
    Map<String, String> byDataset = new LinkedHashMap<>();
    String undeclared = null;
    for (Object o : rc.getJsonArray("findings")) {
      JsonObject f = (JsonObject) o;
      if (f.containsKey("dataset")) {
        byDataset.put(f.getString("dataset"), f.getString("status"));
      } else {
        undeclared = f.getString("status") + " " + f.getJsonArray("paths").getString(0);
      }
    }
    assertThat(byDataset)
        .containsEntry("train", "corroborated")
        .containsEntry("eval", "digest-mismatch")
        .containsEntry("holdout", "declared-not-observed");
    assertThat(undeclared).isEqualTo("observed-not-declared " + data.resolve("extra.csv"));
    assertThat(rc.getBoolean("captureComplete")).isTrue();

    // Model-version cross-check: the artifact the run wrote, and the server that loaded it and
    // served flows on the serving port.
    // Evidence windows are cut every second: wait until the server's last one is in.
    JsonObject mc =
        awaitOk(
            "/api/v1/model-versions/" + MODEL + "/1/cross-check",
            a -> {
              JsonObject s = finding(a.getJsonArray("findings"), "served");
              return s != null
                  && s.getJsonObject("process").getJsonArray("servedFlows").size() == 3;
            });
    JsonArray findings = mc.getJsonArray("findings");
    JsonObject artifact = finding(findings, "artifact-observed");
    assertThat(artifact.getJsonArray("paths").getList()).containsExactly(model.toString());
    assertThat(artifact.getJsonArray("sha256").getList()).containsExactly(modelSha);
    JsonObject served = finding(findings, "served").getJsonObject("process");
    assertThat(served.getString("comm")).isEqualTo("perl");
    assertThat(served.getLong("bytesRead")).isEqualTo(Files.size(model));
    JsonArray flows = served.getJsonArray("servedFlows");
    assertThat(flows).hasSize(3);
    for (Object o : flows) {
      JsonObject f = (JsonObject) o;
      assertThat(f.getInteger("localPort")).isEqualTo(port);
      assertThat(f.getString("localAddress")).isEqualTo("127.0.0.1");
      assertThat(f.getLong("bytesReceived")).isEqualTo("predict 0\n".length());
      assertThat(f.getLong("bytesSent")).isPositive();
      assertThat(Instant.parse(f.getString("from"))).isBefore(Instant.parse(f.getString("until")));
    }
    assertThat(mc.getJsonArray("artifactLocations").getJsonObject(0).getString("path"))
        .isEqualTo(artifacts.toString());
    JsonObject journaled = ok("/api/v1/records/" + mc.getLong("journaledAs"));
    assertThat(journaled.getString("kind")).isEqualTo("lineage.cross_check");
    // The version's lineage carries the same cross-check.
    assertThat(
            finding(
                awaitLineage(MODEL + "/1", "&direction=up", a -> true)
                    .getJsonObject("crossCheck")
                    .getJsonArray("findings"),
                "served"))
        .isNotNull();

    // Alias history: champion on 1, then moved to 2.
    JsonArray intervals = awaitAliases("", h -> h.size() == 2);
    assertThat(intervals.getJsonObject(0).getString("version")).isEqualTo(v1);
    assertThat(intervals.getJsonObject(0).containsKey("until")).isTrue();
    assertThat(intervals.getJsonObject(1).getString("version")).isEqualTo(v2);
    assertThat(intervals.getJsonObject(1).containsKey("until")).isFalse();

    // Impact of the training data: both versions, the alias, the processes, the served endpoint.
    JsonObject impact = ok("/api/v1/datasets/" + trainSha + "/impact").getJsonObject("impact");
    assertThat(impact.getJsonArray("model-versions").getList()).contains(v1, v2);
    assertThat(impact.getJsonArray("registered-models").getList())
        .contains("mlflow://prod/registered-models/" + MODEL + "/aliases/champion");
    assertThat(impact.getJsonArray("sha256").getList()).contains("sha256:" + modelSha);
    assertThat(impact.getJsonArray("endpoint").getList())
        .anyMatch(e -> e.toString().startsWith("endpoint:127.0.0.1:" + port + "<->"));

    // Time travel: version 2 was registered after checkpoint N.
    HttpResponse<String> before =
        service.get("/api/v1/model-versions/" + MODEL + "/2/lineage?asOf=" + n, client.auditorKey);
    assertThat(before.statusCode()).as(before.body()).isEqualTo(404);
    assertThat(
            ok("/api/v1/model-versions/" + MODEL + "/1/lineage?asOf=" + n)
                .getJsonObject("checkpoint")
                .getLong("size"))
        .isLessThanOrEqualTo(n);
    assertThat(
            ok("/api/v1/models/" + MODEL + "/aliases/history?asOf=" + n).getJsonArray("intervals"))
        .hasSize(1);
    assertThat(ok("/api/v1/model-versions/" + MODEL + "/2/lineage").getJsonArray("nodes"))
        .isNotEmpty();

    // Proofs: every proofs=true answer verifies offline; one altered record fails it.
    String vkey =
        new JsonObject(service.get("/api/v1/checkpoints/latest", client.auditorKey).body())
            .getString("verifierKey");
    JsonObject proven =
        awaitOk(
            "/api/v1/model-versions/" + MODEL + "/2/lineage?direction=up&depth=4&proofs=true",
            a -> ids(a).contains("sha256:" + trainSha));
    assertThat(proven.getJsonObject("anchor").getBoolean("anchored")).isTrue();
    assertThat(proven.getJsonObject("crossCheck").getJsonArray("findings")).isNotEmpty();
    for (JsonObject answer :
        List.of(
            proven,
            awaitOk("/api/v1/datasets/" + trainSha + "/impact?proofs=true", a -> true),
            awaitOk("/api/v1/runs/" + runId + "/cross-check?proofs=true", a -> true),
            awaitOk(
                "/api/v1/model-versions/" + MODEL + "/1/cross-check?proofs=true",
                a -> finding(a.getJsonArray("findings"), "served") != null))) {
      assertThat(verify(answer, vkey)).as(answer.encodePrettily()).isTrue();
      JsonObject altered = answer.copy();
      JsonObject rec = altered.getJsonArray("records").getJsonObject(0).getJsonObject("record");
      rec.put("observedAt", "1999-01-01T00:00:00Z");
      assertThat(verify(altered, vkey)).isFalse();
    }
  }

  // ---- the workloads ---------------------------------------------------------------------------

  private static void sh(Path cwd, Map<String, String> env, String script) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", "-c", script));
    pb.directory(cwd.toFile());
    pb.environment().remove("MLFLOW_RUN_ID");
    pb.environment().remove("MLFLOW_EXPERIMENT_ID");
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("workload did not finish in 60 s: " + script);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
  }

  // A Perl inference server: loads the model, then answers `count` one-line requests.
  private static Process startServer(Path cwd, Path model, int port, int count, String servingId)
      throws IOException {
    String script =
        String.join(
            "\n",
            "use strict; use IO::Socket::INET;",
            "my ($model, $port, $n) = @ARGV;",
            "open(my $fh, '<', $model) or die \"model: $!\";",
            "my $weights = do { local $/; <$fh> }; close $fh;",
            "my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port,",
            "  Listen => 5, ReuseAddr => 1, Proto => 'tcp') or die \"listen: $!\";",
            "for (1..$n) {",
            "  my $c = $srv->accept() or die \"accept: $!\";",
            "  my $req = <$c>;",
            "  print $c 'prediction from ' . length($weights) . ' bytes of weights for ' . $req;",
            "  close $c;",
            "}");
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(
                "perl",
                "-e",
                script,
                model.toString(),
                Integer.toString(port),
                Integer.toString(count)));
    pb.directory(cwd.toFile());
    pb.environment().remove("MLFLOW_RUN_ID");
    pb.environment().put(SERVING_ENV, servingId);
    pb.redirectErrorStream(true);
    return pb.start();
  }

  /** One request; null while nothing listens yet. */
  private static String request(int port, String line) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 2000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
    } catch (ConnectException e) {
      return null;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** Waits until an ebpf.process record contains both texts. */
  private void awaitEvidence(String what, String a, String b) {
    Await.until(
        LIMIT,
        what,
        () -> {
          try (Connection c = service.verticle.database().dataSource().getConnection();
              PreparedStatement st =
                  c.prepareStatement(
                      "SELECT count(*) FROM journal_records WHERE source = 'ebpf' AND kind ="
                          + " 'ebpf.process' AND position(? in convert_from(canonical, 'UTF8')) > 0"
                          + " AND position(? in convert_from(canonical, 'UTF8')) > 0")) {
            st.setString(1, a);
            st.setString(2, b);
            try (ResultSet rs = st.executeQuery()) {
              rs.next();
              return rs.getInt(1) > 0;
            }
          }
        });
  }

  // ---- MLflow ----------------------------------------------------------------------------------

  /** The recorded run, reshaped: this run's id, artifacts, datasets and logged model. */
  private static JsonNode run(
      String runId, Path artifactRoot, String modelId, Path data, String trainSha, String evalSha) {
    ObjectNode r = (ObjectNode) Fixtures.json("runs-get.json").deepCopy();
    ObjectNode info = (ObjectNode) r.path("run").path("info");
    info.put("run_uuid", runId).put("run_id", runId);
    info.put("artifact_uri", artifactRoot.resolve(runId).resolve("artifacts").toString());
    ArrayNode inputs = (ArrayNode) r.path("run").path("inputs").path("dataset_inputs");
    ObjectNode template = (ObjectNode) inputs.get(0).deepCopy();
    inputs.removeAll();
    dataset(inputs, template, "train", trainSha, data.resolve("train.csv"));
    dataset(inputs, template, "eval", evalSha, data.resolve("eval.csv"));
    // An MLflow-computed digest (of the loaded data, not the file): matched by path.
    dataset(inputs, template, "holdout", "0badf00d", data.resolve("holdout.csv"));
    ((ObjectNode) r.path("run").path("outputs").path("model_outputs").get(0))
        .put("model_id", modelId);
    return r;
  }

  private static void dataset(
      ArrayNode inputs, ObjectNode template, String name, String digest, Path path) {
    ObjectNode in = template.deepCopy();
    ((ObjectNode) in.get("dataset"))
        .put("name", name)
        .put("digest", digest)
        .put("source", new JsonObject().put("uri", path.toString()).encode());
    inputs.add(in);
  }

  private static JsonNode loggedModel(String modelId, String runId, Path artifacts) {
    ObjectNode m = (ObjectNode) Fixtures.json("logged-models-get.json").deepCopy();
    ((ObjectNode) m.path("model").path("info"))
        .put("model_id", modelId)
        .put("source_run_id", runId)
        .put("artifact_uri", artifacts.toString());
    return m;
  }

  private static Map<String, Object> versionEvent(String version, String runId, String modelId) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("name", MODEL);
    d.put("version", version);
    d.put("source", "models:/" + modelId);
    d.put("run_id", runId);
    d.put("tags", Map.of());
    d.put("description", null);
    return d;
  }

  private static Map<String, Object> aliasEvent(String version) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("name", MODEL);
    d.put("alias", "champion");
    d.put("version", version);
    return d;
  }

  /** A signed delivery into the real webhook route, awaited until the inbox processed it. */
  private void webhook(String entity, String action, Map<String, Object> data) throws Exception {
    FakeMlflow.Delivery d = FakeMlflow.delivery(entity, action, data, SECRET, Instant.now());
    int status = mlflow.post(service.base + "/api/v1/ingest/mlflow/prod/webhook", d);
    assertThat(status).isEqualTo(202);
    Await.until(
        LIMIT,
        () -> entity + "." + action + " delivery " + d.deliveryId() + " processed",
        () ->
            service
                .verticle
                .mlflow()
                .inbox()
                .status("prod", d.deliveryId())
                .map("done"::equals)
                .orElse(false));
  }

  // ---- questions -------------------------------------------------------------------------------

  private JsonObject ok(String path) throws Exception {
    HttpResponse<String> r = service.get(path, client.auditorKey);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  /** Asks until the answer is 200 and satisfies {@code until} (the graph follows the log). */
  private JsonObject awaitOk(String path, Predicate<JsonObject> until) {
    JsonObject[] out = new JsonObject[1];
    Await.until(
        LIMIT,
        () -> "an answer at " + path + (out[0] == null ? "" : "; last: " + out[0].encode()),
        () -> {
          HttpResponse<String> r = service.get(path, client.auditorKey);
          if (r.statusCode() != 200) {
            return false;
          }
          out[0] = new JsonObject(r.body());
          return until.test(out[0]);
        });
    return out[0];
  }

  private JsonObject awaitLineage(String version, String query, Predicate<JsonObject> until) {
    return awaitOk("/api/v1/model-versions/" + version + "/lineage?x=1" + query, until);
  }

  private JsonArray awaitAliases(String query, Predicate<JsonArray> until) {
    return awaitOk(
            "/api/v1/models/" + MODEL + "/aliases/history?x=1" + query,
            a -> until.test(a.getJsonArray("intervals")))
        .getJsonArray("intervals");
  }

  private static List<String> ids(JsonObject lineage) {
    List<String> out = new ArrayList<>();
    lineage.getJsonArray("nodes").forEach(n -> out.add(((JsonObject) n).getString("id")));
    return out;
  }

  private static List<String> edges(JsonObject lineage) {
    List<String> out = new ArrayList<>();
    for (Object o : lineage.getJsonArray("edges")) {
      JsonObject e = (JsonObject) o;
      out.add(e.getString("from") + " " + e.getString("rel") + " " + e.getString("to"));
    }
    return out;
  }

  private static JsonObject finding(JsonArray findings, String status) {
    for (Object o : findings) {
      if (status.equals(((JsonObject) o).getString("status"))) {
        return (JsonObject) o;
      }
    }
    return null;
  }

  /** {@code lineage verify ANSWER.json --key VKEY}, as an auditor runs it. */
  private boolean verify(JsonObject answer, String vkey) throws Exception {
    Path file = Files.createTempFile(dir, "answer", ".json");
    Files.writeString(file, answer.encode());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        new Cli(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                Map.of(),
                Clock.systemUTC())
            .run(new String[] {"verify", file.toString(), "--key", vkey});
    return code == 0;
  }
}
