package io.lineageledger.bench.mlflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lineageledger.ingest.mlflow.WebhookSignature;
import io.lineageledger.platform.Secret;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Webhook ingestion benchmark: MLflow-signed deliveries POSTed to the real service (its own JVM,
 * embedded PostgreSQL with fsync on, the inbox processor running) over loopback by a closed-loop
 * Vert.x load client, against a trivial Vert.x handler answering 200 measured in the same run with
 * the same client as the reference. Prints throughput, p50/p99 and the ratio, and writes
 * bench/target/webhook-bench-report.json.
 *
 * <p>Options (--name=value): seconds (20), warmup (5), connections (64), serviceClasspath
 * (required: the api jar and its lib/); {@code --env.LINEAGE_X=v} sets a service setting (e.g.
 * {@code --env.LINEAGE_MLFLOW_INBOX_PROCESSORS=1}), to compare settings in one session.
 */
public final class WebhookBench {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
  private static final String SECRET = "bench-secret";

  private WebhookBench() {}

  record Result(double perSecond, long count, long errors, double p50Ms, double p99Ms) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>();
    for (String a : args) {
      if (a.startsWith("--") && a.contains("=")) {
        opt.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
      }
    }
    int seconds = Integer.parseInt(opt.getOrDefault("seconds", "20"));
    int warmup = Integer.parseInt(opt.getOrDefault("warmup", "5"));
    int connections = Integer.parseInt(opt.getOrDefault("connections", "64"));
    String cp = opt.get("serviceClasspath");
    String existing = opt.get("url");
    if (existing != null) {
      // Load an already running service only (for profiling it); no reference, no report.
      Vertx v = Vertx.vertx();
      run(v, existing, connections, warmup, false);
      print("webhooks", run(v, existing, connections, seconds, true));
      v.close().await(30, TimeUnit.SECONDS);
      return;
    }
    if (cp == null) {
      throw new IllegalArgumentException("--serviceClasspath=<api jar>:<api lib/*> is required");
    }

    Vertx vertx = Vertx.vertx();
    Process service = null;
    Path dataDir = Files.createTempDirectory("lineage-webhook-bench");
    try {
      // Reference: the same client against a Vert.x handler that reads the body and answers 200.
      HttpServer reference =
          vertx
              .createHttpServer()
              .requestHandler(req -> req.body().onComplete(b -> req.response().end()))
              .listen(0, "127.0.0.1")
              .await(30, TimeUnit.SECONDS);
      String refUrl =
          "http://127.0.0.1:" + reference.actualPort() + "/api/v1/ingest/mlflow/bench/webhook";
      System.out.println("reference: trivial Vert.x 200 handler, " + connections + " connections");
      run(vertx, refUrl, connections, warmup, false);
      Result ref = run(vertx, refUrl, connections, seconds, true);
      reference.close().await(30, TimeUnit.SECONDS);
      print("reference", ref);

      Path log = dataDir.resolveSibling(dataDir.getFileName() + "-service.log");
      ProcessBuilder pb =
          new ProcessBuilder(
                  ProcessHandle.current().info().command().orElse("java"),
                  "-cp",
                  cp,
                  "io.lineageledger.api.Main",
                  "serve")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("LINEAGE_"));
      pb.environment().put("LINEAGE_DATA_DIR", dataDir.toString());
      pb.environment().put("LINEAGE_HTTP_PORT", "0");
      pb.environment().put("LINEAGE_MLFLOW_SOURCES", "bench");
      pb.environment().put("LINEAGE_MLFLOW_WEBHOOK_SECRETS", "bench=" + SECRET);
      pb.environment().put("LINEAGE_DB_POOL_SIZE", "16");
      opt.forEach(
          (k, v) -> {
            if (k.startsWith("env.LINEAGE_")) {
              pb.environment().put(k.substring("env.".length()), v);
            }
          });
      service = pb.start();
      String base = awaitListening(service, log);
      String url = base + "/api/v1/ingest/mlflow/bench/webhook";
      System.out.println("service: " + base + " (own JVM, embedded PostgreSQL, fsync on)");
      run(vertx, url, connections, warmup, false);
      String loadBefore = loadAverage();
      Result svc = run(vertx, url, connections, seconds, true);
      String loadAfter = loadAverage();
      print("webhooks", svc);
      // Intake first: what was acknowledged but not yet processed when the load stopped, and how
      // long processing then took to catch up, so the figure above cannot hide a growing backlog.
      Drain drain = drain(base);
      System.out.printf(
          "backlog when the load stopped: %d deliveries; none pending %.1f s later%n",
          drain.pendingAtLoadEnd(), drain.seconds());

      double ratio = svc.perSecond() / ref.perSecond();
      System.out.printf(
          "ratio: %.3f of the trivial handler's throughput; targets: >= 5000 deliveries/s (%s),"
              + " p99 <= 50 ms (%s)%n",
          ratio,
          svc.perSecond() >= 5000 ? "met" : "NOT met",
          svc.p99Ms() <= 50 ? "met" : "NOT met");
      ObjectNode report = MAPPER.createObjectNode();
      report.put("connections", connections);
      report.put("seconds", seconds);
      report.set("reference", MAPPER.valueToTree(ref));
      report.set("webhooks", MAPPER.valueToTree(svc));
      report.put("ratio", ratio);
      report.set("drain", MAPPER.valueToTree(drain));
      report.put("loadAverageBefore", loadBefore);
      report.put("loadAverageAfter", loadAfter);
      report.put("cores", Runtime.getRuntime().availableProcessors());
      report.put("at", Instant.now().toString());
      Path out = Path.of("bench", "target", "webhook-bench-report.json");
      Files.createDirectories(out.getParent());
      Files.writeString(out, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
      System.out.println("report: " + out);
    } finally {
      if (service != null) {
        service.destroy();
        service.waitFor(60, TimeUnit.SECONDS);
      }
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** Pending deliveries when the load stopped and the time until none were pending. */
  record Drain(long pendingAtLoadEnd, double seconds) {}

  private static Drain drain(String base) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpRequest health =
        java.net.http.HttpRequest.newBuilder(URI.create(base + "/health")).build();
    long started = System.nanoTime();
    long deadline = started + TimeUnit.MINUTES.toNanos(10);
    long first = -1;
    while (true) {
      String body = http.send(health, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      long pending =
          MAPPER.readTree(body).path("checks").path("mlflow").path("pendingDeliveries").asLong(-1);
      if (pending < 0) {
        throw new IllegalStateException(
            "/health shows no checks.mlflow.pendingDeliveries: " + body);
      }
      if (first < 0) {
        first = pending;
      }
      if (pending == 0) {
        return new Drain(first, (System.nanoTime() - started) / 1e9);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            pending
                + " deliveries still pending 10 minutes after the load stopped ("
                + first
                + " then)");
      }
      Thread.sleep(100); // polling a remote service's state; there is nothing local to await
    }
  }

  private static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }

  private static void print(String what, Result r) {
    System.out.printf(
        "%-10s %10.0f req/s  p50 %7.3f ms  p99 %7.3f ms  (%d ok, %d errors)%n",
        what, r.perSecond(), r.p50Ms(), r.p99Ms(), r.count(), r.errors());
  }

  private static String awaitListening(Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          return m.group(1);
        }
      }
      if (!p.isAlive()) {
        throw new IOException("the service exited: " + Files.readString(log));
      }
      Thread.sleep(100); // polling a child's log file; nothing to await on
    }
    throw new IOException("the service did not start within 3 minutes: " + Files.readString(log));
  }

  /** A fresh delivery, signed as MLflow signs (Python JSON separators, v1 HMAC). */
  private static Map.Entry<Map<String, String>, Buffer> delivery(long n) {
    String id = UUID.randomUUID().toString();
    String ts = Long.toString(Instant.now().getEpochSecond());
    String body =
        "{\"entity\": \"model_version\", \"action\": \"created\", \"timestamp\": \""
            + Instant.now()
            + "\", \"data\": {\"name\": \"BenchModel\", \"version\": \""
            + n
            + "\", \"source\": \"models:/m-65422687263c49cf8e91f38f7dc82a11\", \"run_id\":"
            + " \"9beb35a89d114a96974107b79e6aee8d\", \"tags\": {\"origin\": \"bench\"},"
            + " \"description\": null}}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return Map.entry(
        Map.of(
            "Content-Type",
            "application/json",
            "X-MLflow-Delivery-Id",
            id,
            "X-MLflow-Timestamp",
            ts,
            "X-MLflow-Signature",
            WebhookSignature.sign(Secret.of(SECRET), id, ts, bytes)),
        Buffer.buffer(bytes));
  }

  /** Closed loop: each connection sends its next request when the previous one is answered. */
  private static Result run(Vertx vertx, String url, int connections, int seconds, boolean measure)
      throws Exception {
    URI uri = URI.create(url);
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setDefaultHost(uri.getHost())
                .setDefaultPort(uri.getPort()),
            new PoolOptions().setHttp1MaxSize(connections));
    long[] latencies = new long[2_000_000];
    AtomicInteger recorded = new AtomicInteger();
    AtomicLong ok = new AtomicLong();
    AtomicLong okInWindow = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong seq = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch done = new CountDownLatch(connections);
    long started = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      loop(client, uri.getPath(), end, latencies, recorded, ok, okInWindow, errors, seq, done);
    }
    done.await(seconds + 60L, TimeUnit.SECONDS);
    // Throughput over the fixed window: answers that arrived by its end. A straggler (a request
    // that hung until the idle timeout) once stretched the wall time to 80 s and made the
    // reference look four times slower than it was; it now counts as an error instead.
    double elapsed = (end - started) / 1e9;
    client.close().await(30, TimeUnit.SECONDS);
    int n = Math.min(recorded.get(), latencies.length);
    long[] s = Arrays.copyOf(latencies, n);
    Arrays.sort(s);
    return new Result(
        okInWindow.get() / elapsed,
        ok.get(),
        errors.get(),
        n == 0 ? 0 : s[(int) Math.ceil(0.50 * n) - 1] / 1e6,
        n == 0 ? 0 : s[(int) Math.ceil(0.99 * n) - 1] / 1e6);
  }

  private static void loop(
      HttpClient client,
      String path,
      long end,
      long[] latencies,
      AtomicInteger recorded,
      AtomicLong ok,
      AtomicLong okInWindow,
      AtomicLong errors,
      AtomicLong seq,
      CountDownLatch done) {
    if (System.nanoTime() >= end) {
      done.countDown();
      return;
    }
    var d = delivery(seq.incrementAndGet());
    RequestOptions o =
        new RequestOptions().setMethod(HttpMethod.POST).setURI(path).setIdleTimeout(10_000);
    d.getKey().forEach(o::putHeader);
    long t0 = System.nanoTime();
    client
        .request(o)
        .compose(req -> req.send(d.getValue()))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(
            r -> {
              long now = System.nanoTime();
              long t = now - t0;
              if (r.succeeded() && r.result() / 100 == 2) {
                ok.incrementAndGet();
                if (now <= end) {
                  okInWindow.incrementAndGet();
                }
                int i = recorded.getAndIncrement();
                if (i < latencies.length) {
                  latencies[i] = t;
                }
              } else {
                errors.incrementAndGet();
              }
              loop(client, path, end, latencies, recorded, ok, okInWindow, errors, seq, done);
            });
  }
}
