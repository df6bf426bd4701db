package io.lineageledger.api;

import io.lineageledger.bpf.EvidenceJournal;
import io.lineageledger.bpf.ProbesUnavailableException;
import io.lineageledger.bpf.RuntimeEvidence;
import io.lineageledger.graph.Extractors;
import io.lineageledger.graph.LineageGraph;
import io.lineageledger.ingest.mlflow.MlflowIngest;
import io.lineageledger.ledger.journal.Journal;
import io.lineageledger.ledger.journal.SigningKeys;
import io.lineageledger.ledger.journal.TransparencyLog;
import io.lineageledger.ledger.note.NoteSigner;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.Secret;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The HTTP service. Start-up is one chain: configuration → database (start or reach, migrate, pool)
 * → first admin key → contract and router → listen. Any step's failure fails the deployment with
 * its reason, after releasing what earlier steps acquired. Stop drains in-flight requests (bounded
 * by {@code http.shutdownGraceSeconds}), flushes the access log and stops the database.
 */
final class ApiVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ApiVerticle.class);

  private final Optional<Path> configFile;
  private final Map<String, String> env;
  private final Clock clock;
  private final PrintStream out;

  private Settings settings;
  private Database db;
  private AccessLog accessLog;
  private TransparencyLog transparencyLog;
  private LogRunner logRunner;
  private Anchoring anchoring;
  private MlflowIngest mlflow;
  private HttpServer server;
  private Secret bootstrapKey;
  private NoteSigner signer;
  private RuntimeEvidence evidence;
  private volatile String evidenceOff = "not started";

  ApiVerticle(Optional<Path> configFile, Map<String, String> env, Clock clock, PrintStream out) {
    this.configFile = configFile;
    this.env = env;
    this.clock = clock;
    this.out = out;
  }

  @Override
  public Future<?> start() {
    return vertx
        .executeBlocking(() -> Settings.load(configFile, env))
        .compose(
            s -> {
              settings = s;
              return vertx.executeBlocking(() -> Database.open(s.database()));
            })
        .compose(
            database -> {
              db = database;
              return vertx.executeBlocking(this::bootstrapAdminKey);
            })
        .compose(key -> vertx.executeBlocking(this::openLog))
        .compose(key -> vertx.executeBlocking(this::startEvidence))
        .compose(key -> loadContract())
        .compose(
            contract -> {
              ApiKeys keys = new ApiKeys(db.dataSource(), clock);
              accessLog = new AccessLog(vertx, db.dataSource(), settings.accessLogFlush());
              Auth auth = new Auth(vertx, keys, accessLog, clock);
              anchoring =
                  Anchoring.start(
                      vertx, settings.anchor(), db.dataSource(), transparencyLog, signer, clock);
              // Answers with proofs come from anchored checkpoints (none when anchoring is off).
              LineageGraph graph =
                  new LineageGraph(
                      db.dataSource(),
                      transparencyLog,
                      Extractors.standard(),
                      clock,
                      anchoring.anchoredCheckpoints(),
                      settings.graphReadThreads());
              logRunner =
                  new LogRunner(
                      vertx, transparencyLog, graph, clock, settings.log().sequenceInterval());
              mlflow =
                  new MlflowIngest(
                      vertx, db.dataSource(), transparencyLog.journal(), clock, settings.mlflow());
              Routes.Handlers handlers =
                  new Routes.Handlers(
                      new Health(
                          vertx,
                          db,
                          logRunner,
                          Duration.ofSeconds(2),
                          anchoring,
                          this::evidenceHealth,
                          settings.mlflow().sources().isEmpty() ? null : this::mlflowHealth),
                      new AdminHandlers(vertx, keys, db.dataSource()),
                      new LogHandlers(vertx, transparencyLog, anchoring),
                      new GraphHandlers(
                          vertx,
                          graph,
                          anchoring,
                          settings.crossCheckDatasetPrefixes(),
                          settings.crossCheckServingPorts()),
                      Buffer.buffer(openApiText()),
                      settings.log().publicTiles(),
                      new MlflowHandlers(
                          vertx,
                          mlflow,
                          io.vertx.micrometer.backends.BackendRegistries.getDefaultNow(),
                          clock));
              var router =
                  Routes.router(
                      vertx, contract, Routes.table(handlers), auth, settings.bodyLimitBytes());
              return vertx
                  .createHttpServer(
                      new HttpServerOptions()
                          .setHost(settings.httpHost())
                          .setPort(settings.httpPort())
                          .setCompressionSupported(true))
                  .requestHandler(router)
                  .listen();
            })
        .compose(
            s -> {
              server = s;
              return mlflow.start();
            })
        .onSuccess(ignored -> announce())
        .onFailure(err -> releaseAfterFailedStart());
  }

  private Secret bootstrapAdminKey() throws Exception {
    ApiKeys keys = new ApiKeys(db.dataSource(), clock);
    if (keys.hasActiveAdmin()) {
      return null;
    }
    bootstrapKey = keys.create("admin", Role.ADMIN, "bootstrap").key();
    // Printed now, not after listening: should a later step fail, the key must not be lost.
    out.println("Admin API key (shown once; store it now): " + bootstrapKey.reveal());
    out.flush();
    return bootstrapKey;
  }

  private TransparencyLog openLog() throws IOException {
    signer = SigningKeys.loadOrCreate(settings.log().signingKeyFile(), settings.log().origin());
    transparencyLog =
        new TransparencyLog(
            db.dataSource(),
            signer,
            clock,
            settings.log().batchSize(),
            settings.log().checkpointInterval());
    return transparencyLog;
  }

  /**
   * Attaches the eBPF probes when enabled; where they cannot run the service goes on without them,
   * and the reason is logged and shown in /health.
   */
  private Void startEvidence() {
    if (!settings.evidence().enabled()) {
      evidenceOff = "turned off (evidence.enabled=false)";
      return null;
    }
    EvidenceJournal journal = new EvidenceJournal(new Journal(db.dataSource(), clock));
    try {
      evidence = RuntimeEvidence.start(settings.evidence().options(), clock, journal.sink());
      evidenceOff = null;
    } catch (ProbesUnavailableException | IllegalStateException e) {
      evidenceOff = e.getMessage();
      log.warn("runtime evidence is off: {}", evidenceOff);
    }
    return null;
  }

  private JsonObject evidenceHealth() {
    String off = evidenceOff;
    return off == null
        ? new JsonObject()
            .put("status", "ON")
            .put(
                "reason",
                "eBPF probes attached, windows of "
                    + settings.evidence().options().window().toSeconds()
                    + " s")
        : new JsonObject().put("status", "OFF").put("reason", off);
  }

  private void closeEvidence() {
    if (evidence != null) {
      evidence.close();
      evidence = null;
    }
  }

  private void announce() {
    String url = "http://" + settings.httpHost() + ":" + server.actualPort();
    out.println("Lineage Ledger listening on " + url + " (database: " + db.describe() + ")");
    out.println(
        "Log origin "
            + transparencyLog.origin()
            + ", verifier key "
            + transparencyLog.verifierKey());
    out.flush();
  }

  private Future<OpenAPIContract> loadContract() {
    return OpenAPIContract.from(vertx, requestContract(openApiText()));
  }

  /**
   * The published document minus its responses. Only requests are validated, and vertx-openapi 5.0
   * refuses documents whose responses use media types it cannot validate, such as RFC 9457's
   * application/problem+json, which the published document rightly declares.
   */
  static JsonObject requestContract(String yamlText) {
    Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(yamlText);
    @SuppressWarnings("unchecked")
    JsonObject json = new JsonObject((Map<String, Object>) yaml);
    JsonObject paths = json.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject op && op.containsKey("responses")) {
          op.put(
              "responses",
              new JsonObject()
                  .put("default", new JsonObject().put("description", "see /openapi.yaml")));
        }
      }
    }
    JsonObject components = json.getJsonObject("components");
    if (components != null) {
      components.remove("responses");
    }
    return json;
  }

  static String openApiText() {
    try (InputStream in = ApiVerticle.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the service's classpath");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("reading openapi.yaml", e);
    }
  }

  private void releaseAfterFailedStart() {
    closeEvidence();
    if (mlflow != null) {
      mlflow.stop();
    }
    if (accessLog != null) {
      accessLog.close();
    }
    if (logRunner != null) {
      logRunner.close();
    }
    if (anchoring != null) {
      anchoring.close();
    }
    if (transparencyLog != null) {
      transparencyLog.close();
    }
    if (db != null) {
      try {
        db.close();
      } catch (RuntimeException e) {
        log.warn("closing the database after a failed start: {}", e.toString());
      }
    }
  }

  @Override
  public Future<?> stop() {
    Future<Void> drained =
        server == null
            ? Future.succeededFuture()
            : server.shutdown(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
    return drained
        .eventually(() -> mlflow == null ? Future.succeededFuture() : mlflow.stop())
        .eventually(() -> accessLog == null ? Future.succeededFuture() : accessLog.flush())
        .eventually(() -> logRunner == null ? Future.succeededFuture() : logRunner.drain())
        .eventually(() -> anchoring == null ? Future.succeededFuture() : anchoring.drain())
        .eventually(
            () ->
                vertx.executeBlocking(
                    () -> {
                      closeEvidence();
                      if (accessLog != null) {
                        accessLog.close();
                      }
                      if (logRunner != null) {
                        logRunner.close();
                      }
                      if (anchoring != null) {
                        anchoring.close();
                      }
                      if (transparencyLog != null) {
                        transparencyLog.close();
                      }
                      if (db != null) {
                        db.close();
                      }
                      return null;
                    }));
  }

  /** The port actually bound (differs from the setting when that is 0). */
  int port() {
    return server.actualPort();
  }

  /** The admin key generated by this start, when the database had none. */
  Optional<Secret> bootstrapKey() {
    return Optional.ofNullable(bootstrapKey);
  }

  Database database() {
    return db;
  }

  /**
   * The webhook inbox for /health: pending deliveries, the age of the oldest, and whether webhooks
   * are being refused (429) because a bound is reached. Blocking (counts the backlog).
   */
  private JsonObject mlflowHealth() throws Exception {
    MlflowIngest.InboxHealth h = mlflow.inboxHealth();
    boolean refusing =
        h.backlog().pending() >= h.maxBacklog() || h.queuedWrites() >= h.maxQueuedWrites();
    return new JsonObject()
        .put("status", refusing ? "REFUSING" : "ACCEPTING")
        .put("pendingDeliveries", h.backlog().pending())
        .put(
            "oldestPendingAgeSeconds",
            h.backlog()
                .oldestReceivedAt()
                .map(t -> Math.max(0, Duration.between(t, clock.instant()).toMillis()) / 1000.0)
                .orElse(null))
        .put("maxBacklog", h.maxBacklog())
        .put("queuedWrites", h.queuedWrites())
        .put("maxQueuedWrites", h.maxQueuedWrites());
  }

  MlflowIngest mlflow() {
    return mlflow;
  }

  TransparencyLog transparencyLog() {
    return transparencyLog;
  }
}
