package io.lineageledger.ingest.mlflow;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A fake MLflow tracking server and registry (Vert.x) answering the REST paths Lineage Ledger uses
 * with MLflow's recorded JSON shapes, and sending webhooks signed as MLflow signs them (its own
 * HMAC code, independent of the code under test). Faults can be switched on: unreachable-like 503s,
 * 429s and garbage answers.
 */
public final class FakeMlflow implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  // Python's json.dumps: ", " and ": " separators, non-ASCII escaped.
  private static final JsonMapper PY =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  /** What the fake answers. */
  public enum Mode {
    NORMAL,
    UNAVAILABLE,
    RATE_LIMITED,
    GARBAGE,
    /** Takes requests and never answers them. */
    HANG
  }

  public static final String RECORDED_MODEL = "JavaContractModel";
  public static final String RECORDED_RUN = "9beb35a89d114a96974107b79e6aee8d";
  public static final String RECORDED_LOGGED_MODEL = "m-65422687263c49cf8e91f38f7dc82a11";

  private final Vertx vertx;
  private final HttpServer server;
  private volatile Mode mode = Mode.NORMAL;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger hung = new AtomicInteger();
  private final Map<String, Integer> calls = new ConcurrentHashMap<>();

  // registry state
  private final Map<String, ObjectNode> registeredModels = new ConcurrentHashMap<>();
  private final Map<String, ObjectNode> versions = new ConcurrentHashMap<>();
  private final Map<String, byte[]> exactVersionAnswers = new ConcurrentHashMap<>();
  private final Map<String, byte[]> runs = new ConcurrentHashMap<>();
  private final Map<String, byte[]> loggedModels = new ConcurrentHashMap<>();
  private final List<ObjectNode> webhooks = new ArrayList<>();

  private FakeMlflow(Vertx vertx) throws Exception {
    this.vertx = vertx;
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create());
    router.route().handler(this::faults);
    String p = "/api/2.0/mlflow/";
    router
        .get(p + "runs/get")
        .handler(rc -> answer(rc, runs.get(rc.queryParams().get("run_id")), "Run"));
    router.get(p + "model-versions/get").handler(this::getVersion);
    router.get(p + "registered-models/get").handler(this::getRegisteredModel);
    router.get(p + "registered-models/alias").handler(this::getAlias);
    router
        .get(p + "logged-models/:id")
        .handler(rc -> answer(rc, loggedModels.get(rc.pathParam("id")), "Logged model"));
    router.get(p + "model-versions/search").handler(this::searchVersions);
    router.get(p + "registered-models/search").handler(this::searchModels);
    router.get(p + "webhooks").handler(this::listWebhooks);
    router.post(p + "webhooks").handler(this::createWebhook);
    router.route().last().handler(rc -> error(rc, 404, "ENDPOINT_NOT_FOUND", "no such path"));
    server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .await(30, TimeUnit.SECONDS);
  }

  /**
   * A fake holding what the recorded server held: the run, version 1 of JavaContractModel with
   * alias champion, its logged model.
   */
  public static FakeMlflow recorded(Vertx vertx) throws Exception {
    FakeMlflow f = new FakeMlflow(vertx);
    f.runs.put(RECORDED_RUN, Fixtures.bytes("runs-get.json"));
    f.loggedModels.put(RECORDED_LOGGED_MODEL, Fixtures.bytes("logged-models-get.json"));
    ObjectNode mv = (ObjectNode) Fixtures.json("model-versions-get.json").get("model_version");
    f.versions.put(key(RECORDED_MODEL, "1"), mv);
    f.exactVersionAnswers.put(key(RECORDED_MODEL, "1"), Fixtures.bytes("model-versions-get.json"));
    ObjectNode rm = MAPPER.createObjectNode();
    rm.put("name", RECORDED_MODEL);
    rm.put("creation_timestamp", 1795588304100L);
    rm.put("last_updated_timestamp", 1795588304917L);
    rm.putArray("aliases").addObject().put("alias", "champion").put("version", "1");
    f.registeredModels.put(RECORDED_MODEL, rm);
    return f;
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public void mode(Mode m) {
    mode = m;
  }

  /** Requests taken and left unanswered in {@link Mode#HANG}. */
  public int hung() {
    return hung.get();
  }

  public int requests() {
    return requests.get();
  }

  public int calls(String pathSuffix) {
    return calls.getOrDefault(pathSuffix, 0);
  }

  // ---- registry changes ------------------------------------------------------------------------

  /**
   * Registers a new version of {@code name} from the recorded run, as MLflow would (no webhook).
   */
  public synchronized ObjectNode createVersion(String name, long at) {
    return createVersion(name, at, RECORDED_RUN, "models:/" + RECORDED_LOGGED_MODEL);
  }

  /**
   * Registers a new version of {@code name} from run {@code runId} with {@code source} (e.g. {@code
   * models:/<logged model id>}), shaped as the recorded version (no webhook).
   */
  public synchronized ObjectNode createVersion(String name, long at, String runId, String source) {
    ObjectNode rm =
        registeredModels.computeIfAbsent(
            name,
            n -> {
              ObjectNode m = MAPPER.createObjectNode();
              m.put("name", n);
              m.put("creation_timestamp", at);
              m.putArray("aliases");
              return m;
            });
    rm.put("last_updated_timestamp", at);
    int next = (int) versions.keySet().stream().filter(k -> k.startsWith(name + "\n")).count() + 1;
    ObjectNode mv =
        ((ObjectNode) Fixtures.json("model-versions-get.json").get("model_version")).deepCopy();
    mv.put("name", name);
    mv.put("version", Integer.toString(next));
    mv.put("creation_timestamp", at);
    mv.put("last_updated_timestamp", at);
    mv.put("run_id", runId);
    mv.put("source", source);
    mv.putArray("aliases");
    versions.put(key(name, Integer.toString(next)), mv);
    return mv;
  }

  /** Answers {@code runs/get} for {@code runId} with {@code answer} (e.g. a reshaped recording). */
  public synchronized void putRun(String runId, JsonNode answer) {
    runs.put(runId, bytes(answer));
  }

  /** Answers {@code logged-models/{modelId}} with {@code answer}. */
  public synchronized void putLoggedModel(String modelId, JsonNode answer) {
    loggedModels.put(modelId, bytes(answer));
  }

  private static byte[] bytes(JsonNode n) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Points {@code alias} at {@code version} (moving it from wherever it was). */
  public synchronized void setAlias(String name, String alias, String version) {
    ObjectNode rm = registeredModels.get(name);
    ArrayNode aliases = (ArrayNode) rm.get("aliases");
    for (int i = aliases.size() - 1; i >= 0; i--) {
      if (aliases.get(i).get("alias").asText().equals(alias)) {
        aliases.remove(i);
      }
    }
    aliases.addObject().put("alias", alias).put("version", version);
    versions.values().forEach(v -> removeAlias(v, alias));
    ObjectNode mv = versions.get(key(name, version));
    ((ArrayNode) mv.get("aliases")).add(alias);
    exactVersionAnswers.remove(key(name, version));
  }

  public synchronized void deleteAlias(String name, String alias) {
    ArrayNode aliases = (ArrayNode) registeredModels.get(name).get("aliases");
    for (int i = aliases.size() - 1; i >= 0; i--) {
      if (aliases.get(i).get("alias").asText().equals(alias)) {
        aliases.remove(i);
      }
    }
    versions.forEach(
        (k, v) -> {
          if (k.startsWith(name + "\n") && removeAlias(v, alias)) {
            exactVersionAnswers.remove(k);
          }
        });
  }

  private static boolean removeAlias(ObjectNode mv, String alias) {
    ArrayNode a = (ArrayNode) mv.get("aliases");
    for (int i = a.size() - 1; i >= 0; i--) {
      if (a.get(i).asText().equals(alias)) {
        a.remove(i);
        return true;
      }
    }
    return false;
  }

  private static String key(String name, String version) {
    return name + "\n" + version;
  }

  // ---- REST ------------------------------------------------------------------------------------

  private void faults(RoutingContext rc) {
    requests.incrementAndGet();
    String path = rc.request().path().replace("/api/2.0/mlflow/", "");
    calls.merge(path, 1, Integer::sum);
    switch (mode) {
      case UNAVAILABLE -> error(rc, 503, "TEMPORARILY_UNAVAILABLE", "the server is down");
      case RATE_LIMITED -> error(rc, 429, "REQUEST_LIMIT_EXCEEDED", "too many requests");
      case GARBAGE ->
          rc.response()
              .setStatusCode(200)
              .putHeader("Content-Type", "application/json")
              .end("<html><body>Proxy error page</body></html>");
      case HANG -> hung.incrementAndGet();
      case NORMAL -> rc.next();
    }
  }

  private static void json(RoutingContext rc, byte[] body) {
    rc.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(body));
  }

  private static void json(RoutingContext rc, JsonNode body) {
    try {
      json(rc, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void error(RoutingContext rc, int status, String code, String message) {
    rc.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(MAPPER.createObjectNode().put("error_code", code).put("message", message).toString());
  }

  private static void answer(RoutingContext rc, byte[] body, String what) {
    if (body == null) {
      error(rc, 404, "RESOURCE_DOES_NOT_EXIST", what + " not found");
    } else {
      json(rc, body);
    }
  }

  private synchronized void getVersion(RoutingContext rc) {
    String k = key(rc.queryParams().get("name"), rc.queryParams().get("version"));
    byte[] exact = exactVersionAnswers.get(k);
    if (exact != null) {
      json(rc, exact);
      return;
    }
    ObjectNode mv = versions.get(k);
    if (mv == null) {
      error(rc, 404, "RESOURCE_DOES_NOT_EXIST", "Model Version not found");
      return;
    }
    ObjectNode out = MAPPER.createObjectNode();
    out.set("model_version", mv);
    json(rc, out);
  }

  private synchronized void getRegisteredModel(RoutingContext rc) {
    ObjectNode rm = registeredModels.get(rc.queryParams().get("name"));
    if (rm == null) {
      error(rc, 404, "RESOURCE_DOES_NOT_EXIST", "Registered Model not found");
      return;
    }
    ObjectNode out = MAPPER.createObjectNode();
    out.set("registered_model", rm);
    json(rc, out);
  }

  private synchronized void getAlias(RoutingContext rc) {
    String name = rc.queryParams().get("name");
    String alias = rc.queryParams().get("alias");
    ObjectNode rm = registeredModels.get(name);
    if (rm != null) {
      for (JsonNode a : rm.get("aliases")) {
        if (a.get("alias").asText().equals(alias)) {
          String k = key(name, a.get("version").asText());
          if (exactVersionAnswers.containsKey(k)) {
            // MLflow answers the alias with the version's own document (see the recordings).
            json(rc, exactVersionAnswers.get(k));
          } else {
            ObjectNode out = MAPPER.createObjectNode();
            out.set("model_version", versions.get(k));
            json(rc, out);
          }
          return;
        }
      }
    }
    error(rc, 404, "RESOURCE_DOES_NOT_EXIST", "Registered model alias " + alias + " not found.");
  }

  private synchronized void searchVersions(RoutingContext rc) {
    List<ObjectNode> all = new ArrayList<>(versions.values());
    all.sort(
        Comparator.comparingLong((ObjectNode v) -> v.get("last_updated_timestamp").asLong())
            .reversed());
    page(rc, all, "model_versions");
  }

  private volatile java.util.concurrent.Callable<Void> afterModelListing;

  /**
   * Runs {@code work} (blocking, once) after the next {@code registered-models/search} page was
   * taken and before it is answered: what happens in MLflow and the service between MLflow reading
   * its registry and the sync reading the answer.
   */
  public void afterNextModelListing(java.util.concurrent.Callable<Void> work) {
    afterModelListing = work;
  }

  private void searchModels(RoutingContext rc) {
    byte[] snapshot;
    synchronized (this) {
      List<ObjectNode> all = new ArrayList<>(registeredModels.values());
      all.sort(
          Comparator.comparingLong((ObjectNode v) -> v.path("last_updated_timestamp").asLong())
              .reversed());
      snapshot = pageOf(rc, all, "registered_models").toString().getBytes(StandardCharsets.UTF_8);
    }
    java.util.concurrent.Callable<Void> work = afterModelListing;
    afterModelListing = null;
    if (work == null) {
      json(rc, snapshot);
      return;
    }
    vertx
        .executeBlocking(work, false)
        .onComplete(
            r -> {
              if (r.failed()) {
                error(rc, 500, "INTERNAL_ERROR", "test hook failed: " + r.cause());
              } else {
                json(rc, snapshot);
              }
            });
  }

  private static void page(RoutingContext rc, List<ObjectNode> all, String field) {
    json(rc, pageOf(rc, all, field));
  }

  private static ObjectNode pageOf(RoutingContext rc, List<ObjectNode> all, String field) {
    int max =
        Integer.parseInt(
            rc.queryParams().get("max_results") == null
                ? "100"
                : rc.queryParams().get("max_results"));
    String token = rc.queryParams().get("page_token");
    int from =
        token == null || token.isEmpty()
            ? 0
            : Integer.parseInt(
                new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8));
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode items = out.putArray(field);
    all.subList(Math.min(from, all.size()), Math.min(from + max, all.size())).forEach(items::add);
    if (from + max < all.size()) {
      out.put(
          "next_page_token",
          Base64.getEncoder()
              .encodeToString(Integer.toString(from + max).getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  private synchronized void listWebhooks(RoutingContext rc) {
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode a = out.putArray("webhooks");
    webhooks.forEach(w -> a.add(w.deepCopy().without("secret")));
    json(rc, out);
  }

  private synchronized void createWebhook(RoutingContext rc) {
    ObjectNode w = (ObjectNode) MAPPER.valueToTree(rc.body().asJsonObject().getMap());
    w.put("webhook_id", UUID.randomUUID().toString().replace("-", ""));
    webhooks.add(w);
    ObjectNode out = MAPPER.createObjectNode();
    out.set("webhook", w.deepCopy().without("secret"));
    json(rc, out);
  }

  public synchronized List<ObjectNode> webhooks() {
    return List.copyOf(webhooks);
  }

  // ---- webhooks --------------------------------------------------------------------------------

  /** A delivery as MLflow sends it: Python-serialized body and signed headers. */
  public record Delivery(String deliveryId, String timestamp, String signature, byte[] body) {}

  /** Builds a delivery signed with {@code secret}, timestamped {@code at}. */
  public static Delivery delivery(
      String entity, String action, Map<String, Object> data, String secret, Instant at) {
    ObjectNode event = MAPPER.createObjectNode();
    event.put("entity", entity);
    event.put("action", action);
    event.put(
        "timestamp",
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'+00:00'")
            .withZone(ZoneOffset.UTC)
            .format(at));
    event.set("data", MAPPER.valueToTree(data));
    byte[] body = pythonJson(event).getBytes(StandardCharsets.UTF_8);
    String id = UUID.randomUUID().toString();
    String ts = Long.toString(at.getEpochSecond());
    return new Delivery(id, ts, sign(secret, id, ts, body), body);
  }

  /** MLflow's signature, computed here independently of the code under test. */
  public static String sign(String secret, String id, String ts, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] prefix = (id + "." + ts + ".").getBytes(StandardCharsets.UTF_8);
      byte[] msg = new byte[prefix.length + body.length];
      System.arraycopy(prefix, 0, msg, 0, prefix.length);
      System.arraycopy(body, 0, msg, prefix.length, body.length);
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(msg));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String pythonJson(JsonNode n) {
    if (n.isObject()) {
      List<String> parts = new ArrayList<>();
      n.fields()
          .forEachRemaining(e -> parts.add(quote(e.getKey()) + ": " + pythonJson(e.getValue())));
      return "{" + String.join(", ", parts) + "}";
    }
    if (n.isArray()) {
      List<String> parts = new ArrayList<>();
      n.forEach(x -> parts.add(pythonJson(x)));
      return "[" + String.join(", ", parts) + "]";
    }
    if (n.isTextual()) {
      return quote(n.asText());
    }
    return n.toString();
  }

  private static String quote(String s) {
    try {
      StringWriter w = new StringWriter();
      try (JsonGenerator g = PY.getFactory().createGenerator(w)) {
        g.writeString(s);
      }
      return w.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** POSTs {@code d} to {@code url} as MLflow does; returns the status. */
  public int post(String url, Delivery d) throws Exception {
    return post(url, d, Map.of());
  }

  public int post(String url, Delivery d, Map<String, String> overrides) throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("User-Agent", "python-requests/2.34.2");
    headers.put("Content-Type", "application/json");
    headers.put("X-MLflow-Delivery-Id", d.deliveryId());
    headers.put("X-MLflow-Timestamp", d.timestamp());
    headers.put("X-MLflow-Signature", d.signature());
    headers.putAll(overrides);
    headers.values().removeIf(v -> v == null);
    java.net.http.HttpRequest.Builder b =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
            .timeout(java.time.Duration.ofSeconds(30))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(d.body()));
    headers.forEach(
        (k, v) -> {
          if (!k.equalsIgnoreCase("User-Agent")) {
            b.header(k, v);
          }
        });
    return java.net.http.HttpClient.newHttpClient()
        .send(b.build(), java.net.http.HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Override
  public void close() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
  }
}
