package io.lineageledger.ingest.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mlflow.api.proto.ModelRegistry;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.ModelVersionsPage;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.mlflow_project.google.protobuf.InvalidProtocolBufferException;
import org.mlflow_project.google.protobuf.Message;
import org.mlflow_project.google.protobuf.util.JsonFormat;

/**
 * The REST calls Lineage Ledger makes to one MLflow server. Blocking; call from a worker.
 *
 * <p>Calls the MLflow Java client (2.17.2) covers go through it: its HTTP caller fetches the answer
 * and its generated protobuf messages parse and validate it, exactly as its typed {@code getRun} /
 * {@code getModelVersion} / {@code getRegisteredModel} do, but the answer's bytes are kept, because
 * they are the evidence journaled as the record's raw and because the 2.17 messages drop what
 * MLflow 3 added (run outputs, logged model ids). Paths the client lacks (aliases, logged models,
 * registered-model search, webhooks) go through a Vert.x WebClient.
 */
final class MlflowRest implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFormat.Parser PROTO = JsonFormat.parser().ignoringUnknownFields();

  /** An MLflow answer: its bytes as received and their JSON. */
  record Answer(byte[] raw, JsonNode json) {}

  private final String sourceId;
  private final URI base;
  private final MlflowClient client;
  private final WebClient web;
  private final Duration timeout;
  private final ExecutorService calls;

  MlflowRest(Vertx vertx, String sourceId, URI base, Duration timeout) {
    this.sourceId = sourceId;
    this.base = base;
    this.timeout = timeout;
    this.client = new MlflowClient(new BasicMlflowHostCreds(stripSlash(base.toString())));
    this.web =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setConnectTimeout((int) Math.min(timeout.toMillis(), Integer.MAX_VALUE))
                .setIdleTimeout((int) Math.max(1, timeout.toSeconds()))
                .setUserAgent("lineage-ledger"));
    // The Java client sets no deadline of its own; its calls run here so a hung server costs one
    // thread, not the caller.
    this.calls =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "mlflow-client-" + sourceId);
              t.setDaemon(true);
              return t;
            });
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---- through the MLflow Java client --------------------------------------------------------

  Answer getRun(String runId) throws MlflowException {
    return viaClient(
        "runs/get?run_id=" + enc(runId), Service.GetRun.Response.newBuilder(), "run", "run");
  }

  Answer getModelVersion(String name, String version) throws MlflowException {
    return viaClient(
        "model-versions/get?name=" + enc(name) + "&version=" + enc(version),
        ModelRegistry.GetModelVersion.Response.newBuilder(),
        "model_version",
        "model version");
  }

  Answer getRegisteredModel(String name) throws MlflowException {
    return viaClient(
        "registered-models/get?name=" + enc(name),
        ModelRegistry.GetRegisteredModel.Response.newBuilder(),
        "registered_model",
        "registered model");
  }

  /** One page of model versions, newest change first (typed: the listing needs no raw bytes). */
  record VersionRef(String name, String version, long lastUpdated) {}

  record VersionPage(List<VersionRef> items, Optional<String> nextPageToken) {}

  VersionPage searchModelVersions(int pageSize, String pageToken) throws MlflowException {
    ModelVersionsPage page =
        call(
            "model-versions/search",
            () ->
                client.searchModelVersions(
                    "", pageSize, List.of("last_updated_timestamp DESC"), pageToken));
    List<VersionRef> items =
        page.getItems().stream()
            .map(v -> new VersionRef(v.getName(), v.getVersion(), v.getLastUpdatedTimestamp()))
            .toList();
    return new VersionPage(items, page.getNextPageToken().filter(t -> !t.isEmpty()));
  }

  private Answer viaClient(String path, Message.Builder typed, String requiredField, String what)
      throws MlflowException {
    String text = call(path, () -> client.sendGet(path));
    byte[] raw = text.getBytes(StandardCharsets.UTF_8);
    try {
      PROTO.merge(text, typed);
    } catch (InvalidProtocolBufferException e) {
      throw badAnswer(path, "is not a " + what + " answer (" + e.getMessage() + ")", raw, e);
    }
    JsonNode json = parse(path, raw);
    if (!json.path(requiredField).isObject()) {
      throw badAnswer(path, "has no '" + requiredField + "' object", raw, null);
    }
    return new Answer(raw, json);
  }

  private <T> T call(String path, Callable<T> work) throws MlflowException {
    var future = calls.submit(work);
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new MlflowException(
          MlflowException.Kind.UNAVAILABLE,
          0,
          where(path) + " did not answer within " + timeout.toMillis() + " ms",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MlflowException(
          MlflowException.Kind.UNAVAILABLE, 0, where(path) + ": interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof MlflowHttpException h) {
        throw new MlflowException(
            MlflowException.kindOfStatus(h.getStatusCode()),
            h.getStatusCode(),
            where(path)
                + " answered HTTP "
                + h.getStatusCode()
                + ": "
                + shorten(h.getBodyMessage()),
            h);
      }
      if (cause instanceof MlflowClientException) {
        throw new MlflowException(
            MlflowException.Kind.UNAVAILABLE,
            0,
            where(path) + " is unreachable: " + rootMessage(cause),
            cause);
      }
      throw new MlflowException(
          MlflowException.Kind.BAD_ANSWER, 0, where(path) + " failed: " + cause, cause);
    }
  }

  // ---- through the WebClient (paths the Java client lacks) ------------------------------------

  Answer getAlias(String name, String alias) throws MlflowException {
    String path =
        "/api/2.0/mlflow/registered-models/alias?name=" + enc(name) + "&alias=" + enc(alias);
    Answer a = getJson(path);
    if (!a.json().path("model_version").isObject()) {
      throw badAnswer(path, "has no 'model_version' object", a.raw(), null);
    }
    return a;
  }

  Answer getLoggedModel(String modelId) throws MlflowException {
    String path = "/api/2.0/mlflow/logged-models/" + enc(modelId);
    Answer a = getJson(path);
    if (!a.json().path("model").path("info").isObject()) {
      throw badAnswer(path, "has no 'model.info' object", a.raw(), null);
    }
    return a;
  }

  Answer searchRegisteredModels(int pageSize, String pageToken) throws MlflowException {
    String path =
        "/api/2.0/mlflow/registered-models/search?max_results="
            + pageSize
            + "&order_by="
            + enc("last_updated_timestamp DESC")
            + (pageToken == null ? "" : "&page_token=" + enc(pageToken));
    Answer a = getJson(path);
    JsonNode models = a.json().path("registered_models");
    if (!models.isMissingNode() && !models.isArray()) {
      throw badAnswer(path, "has a 'registered_models' that is not an array", a.raw(), null);
    }
    return a;
  }

  /** Registers a webhook in MLflow 3.3+ ({@code POST /api/2.0/mlflow/webhooks}). */
  Answer createWebhook(String name, String url, List<String> events, String secret)
      throws MlflowException {
    var body = MAPPER.createObjectNode().put("name", name).put("url", url).put("secret", secret);
    var ev = body.putArray("events");
    for (String e : events) {
      int dot = e.indexOf('.');
      ev.addObject().put("entity", e.substring(0, dot)).put("action", e.substring(dot + 1));
    }
    String path = "/api/2.0/mlflow/webhooks";
    return await(
        path,
        web.postAbs(stripSlash(base.toString()) + path)
            .timeout(timeout.toMillis())
            .putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer(body.toString())));
  }

  Answer listWebhooks() throws MlflowException {
    return getJson("/api/2.0/mlflow/webhooks?max_results=1000");
  }

  private Answer getJson(String path) throws MlflowException {
    return await(
        path, web.getAbs(stripSlash(base.toString()) + path).timeout(timeout.toMillis()).send());
  }

  private Answer await(String path, Future<HttpResponse<Buffer>> call) throws MlflowException {
    HttpResponse<Buffer> r;
    try {
      r =
          call.toCompletionStage()
              .toCompletableFuture()
              .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MlflowException(
          MlflowException.Kind.UNAVAILABLE, 0, where(path) + ": interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new MlflowException(
          MlflowException.Kind.UNAVAILABLE,
          0,
          where(path) + " is unreachable: " + rootMessage(cause),
          cause);
    }
    byte[] raw = r.body() == null ? new byte[0] : r.body().getBytes();
    if (r.statusCode() / 100 != 2) {
      throw new MlflowException(
          MlflowException.kindOfStatus(r.statusCode()),
          r.statusCode(),
          where(path)
              + " answered HTTP "
              + r.statusCode()
              + ": "
              + shorten(new String(raw, StandardCharsets.UTF_8)),
          null);
    }
    return new Answer(raw, parse(path, raw));
  }

  private JsonNode parse(String path, byte[] raw) throws MlflowException {
    try {
      JsonNode n = MAPPER.readTree(raw);
      if (n == null || !n.isObject()) {
        throw badAnswer(path, "is not a JSON object", raw, null);
      }
      return n;
    } catch (JsonProcessingException e) {
      throw badAnswer(path, "is not JSON (" + e.getOriginalMessage() + ")", raw, e);
    } catch (java.io.IOException e) {
      throw badAnswer(path, "cannot be read (" + e.getMessage() + ")", raw, e);
    }
  }

  private MlflowException badAnswer(String path, String what, byte[] raw, Throwable cause) {
    return new MlflowException(
        MlflowException.Kind.BAD_ANSWER,
        200,
        where(path)
            + " answered garbage: the answer "
            + what
            + "; it began: "
            + shorten(new String(raw, StandardCharsets.UTF_8)),
        cause);
  }

  private String where(String path) {
    String p = path.startsWith("/") ? path : "/api/2.0/mlflow/" + path;
    int q = p.indexOf('?');
    return "MLflow source '" + sourceId + "' " + (q < 0 ? p : p.substring(0, q));
  }

  private static String shorten(String s) {
    if (s == null) {
      return "";
    }
    String oneLine = s.replaceAll("\\s+", " ");
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…";
  }

  private static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getClass().getSimpleName() + (r.getMessage() == null ? "" : ": " + r.getMessage());
  }

  @Override
  public void close() {
    web.close();
    calls.shutdownNow();
  }
}
