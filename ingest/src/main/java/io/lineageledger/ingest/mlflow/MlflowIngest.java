package io.lineageledger.ingest.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.lineageledger.ledger.journal.Journal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MLflow ingestion, wired: the webhook verifier and inbox the HTTP layer uses, the inbox processor
 * and, per server with a URL, the incremental sync, each on its own worker so a slow MLflow never
 * holds an event loop. {@link #stop} lets running work finish.
 */
public final class MlflowIngest {
  private static final Logger log = LoggerFactory.getLogger(MlflowIngest.class);
  private static final List<String> WEBHOOK_EVENTS =
      List.of(
          "registered_model.created",
          "model_version.created",
          "model_version_tag.set",
          "model_version_tag.deleted",
          "model_version_alias.created",
          "model_version_alias.deleted");

  private final Vertx vertx;
  private final MlflowConfig config;
  private final Clock clock;
  private final WebhookVerifier verifier;
  private final Inbox inbox;
  private final Map<String, MlflowRest> rests = new LinkedHashMap<>();
  private final Map<String, MlflowSync> syncs = new LinkedHashMap<>();
  private final InboxProcessor processor;
  private final SecureRandom random = new SecureRandom();
  private final Backoff syncBackoff;
  private final LineageStore store;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicInteger processorsRunning = new AtomicInteger();
  private final AtomicBoolean refreshing = new AtomicBoolean();
  // Pending inbox rows as last counted, plus those accepted and minus those finished since: an
  // estimate (other instances sharing the database are seen at the next count) that costs no query
  // per webhook.
  private final AtomicLong backlogEstimate = new AtomicLong();
  // System.nanoTime of the last accepted delivery; a day ago at start, so processing runs at once.
  private final AtomicLong lastAcceptNanos =
      new AtomicLong(System.nanoTime() - TimeUnit.DAYS.toNanos(1));
  private final AtomicBoolean quietTimerArmed = new AtomicBoolean();
  private final InboxWriter writer;
  private WorkerExecutor workers;
  private long pollTimer = -1;
  private final Map<String, Long> syncTimers = new LinkedHashMap<>();

  public MlflowIngest(
      Vertx vertx, DataSource db, Journal journal, Clock clock, MlflowConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    Map<String, MlflowSource> byId = new LinkedHashMap<>();
    config.sources().forEach(s -> byId.put(s.id(), s));
    this.verifier = new WebhookVerifier(byId, clock, config.timestampTolerance());
    this.inbox = new Inbox(db, clock);
    this.writer = new InboxWriter(vertx, inbox::acceptAll, config.inbox());
    this.store = new LineageStore(db);
    Map<String, Enricher> enrichers = new LinkedHashMap<>();
    for (MlflowSource s : config.sources()) {
      Optional<MlflowRest> rest =
          s.baseUrl().map(u -> new MlflowRest(vertx, s.id(), u, config.requestTimeout()));
      rest.ifPresent(r -> rests.put(s.id(), r));
      Enricher e = new Enricher(s, rest, journal, store, clock);
      enrichers.put(s.id(), e);
      rest.ifPresent(r -> syncs.put(s.id(), new MlflowSync(s, r, e, store, clock, 100)));
    }
    this.processor =
        new InboxProcessor(
            inbox,
            enrichers,
            clock,
            new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), random),
            config.maxAttempts(),
            config.inbox().processBatch());
    Duration syncMax =
        config.syncInterval().isZero() ? Duration.ofMinutes(5) : config.syncInterval();
    this.syncBackoff =
        new Backoff(
            Duration.ofSeconds(1).compareTo(syncMax) < 0 ? Duration.ofSeconds(1) : syncMax,
            syncMax,
            random);
  }

  public WebhookVerifier verifier() {
    return verifier;
  }

  public Inbox inbox() {
    return inbox;
  }

  public MlflowConfig config() {
    return config;
  }

  /**
   * Takes a verified delivery into the inbox: completes after the transaction holding it committed
   * (or found it stored before: {@code duplicate}). Fails, writing nothing, with {@link
   * InboxFullException} while the backlog or the write queue is over its bound, and with {@link
   * InboxWriteException} when the transaction failed.
   */
  public Future<Inbox.Accepted> accept(Inbox.Delivery d) {
    long pending = backlogEstimate.get();
    if (pending >= config.inbox().maxBacklog()) {
      return Future.failedFuture(
          new InboxFullException(
              InboxFullException.Bound.BACKLOG,
              pending,
              config.inbox().maxBacklog(),
              config.inbox().retryAfter()));
    }
    return writer
        .submit(d)
        .onSuccess(
            a -> {
              if (!a.duplicate()) {
                backlogEstimate.incrementAndGet();
                lastAcceptNanos.set(System.nanoTime());
                if (processNow()) {
                  kick();
                } else {
                  processWhenQuiet();
                }
              }
            });
  }

  /** What /health shows of the inbox. */
  public record InboxHealth(
      Inbox.Backlog backlog, long maxBacklog, int queuedWrites, int maxQueuedWrites) {}

  /** Counts the backlog now. Blocking (JDBC). */
  public InboxHealth inboxHealth() throws Exception {
    Inbox.Backlog b = inbox.backlog();
    backlogEstimate.set(b.pending());
    return new InboxHealth(
        b, config.inbox().maxBacklog(), writer.queued(), config.inbox().maxQueuedWrites());
  }

  /** Starts processing the inbox and the sync loops, and registers webhooks when configured. */
  public Future<Void> start() {
    if (config.sources().isEmpty()) {
      return Future.succeededFuture();
    }
    workers =
        vertx.createSharedWorkerExecutor(
            "mlflow-ingest", config.inbox().processors() + syncs.size() + 1);
    // Every poll interval: recount the backlog (so the bound follows what other instances and
    // retries do) and look for due deliveries (retries coming due need no nudge).
    pollTimer =
        vertx.setPeriodic(
            1,
            Math.max(1, config.pollInterval().toMillis()),
            t -> {
              refreshBacklog();
              kick();
            });
    if (!config.syncInterval().isZero()) {
      syncs.keySet().forEach(id -> scheduleSync(id, 0));
    }
    config.registerWebhookUrl().ifPresent(this::registerWebhooks);
    return Future.succeededFuture();
  }

  private void refreshBacklog() {
    if (!refreshing.compareAndSet(false, true)) {
      return;
    }
    vertx
        .executeBlocking(inbox::backlog, false)
        .onComplete(
            r -> {
              refreshing.set(false);
              if (r.succeeded()) {
                backlogEstimate.set(r.result().pending());
              } else {
                log.warn("MLflow inbox backlog count failed: {}", r.cause().toString());
              }
            });
  }

  /**
   * Whether processing should run flat out now rather than one round per processor at the next poll
   * tick: intake comes first. While webhooks keep arriving, acknowledging them is what MLflow waits
   * on (its webhook calls time out), and processing competes with intake for the same CPU and
   * connections; so processing runs flat out only once no delivery has been accepted for {@code
   * quiet}, or once half of {@code mlflow.inboxMaxBacklog} is waiting, so that a sustained overload
   * ends in 429s at the bound rather than in an inbox that never drains.
   *
   * @param sinceLastAccept time since the last delivery was accepted
   */
  static boolean processNow(
      Duration sinceLastAccept, Duration quiet, long backlog, long maxBacklog) {
    return sinceLastAccept.compareTo(quiet) >= 0 || backlog >= maxBacklog / 2;
  }

  private boolean processNow() {
    return processNow(
        Duration.ofNanos(System.nanoTime() - lastAcceptNanos.get()),
        config.inbox().processQuiet(),
        backlogEstimate.get(),
        config.inbox().maxBacklog());
  }

  /**
   * Starts processing once intake has been quiet for {@code processQuiet}: the timer re-arms for
   * what is left of the quiet period while deliveries keep coming, so a burst costs one timer.
   */
  private void processWhenQuiet() {
    if (!quietTimerArmed.compareAndSet(false, true)) {
      return;
    }
    long left =
        config.inbox().processQuiet().toNanos() - (System.nanoTime() - lastAcceptNanos.get());
    vertx.setTimer(
        Math.max(1, TimeUnit.NANOSECONDS.toMillis(left) + 1),
        t -> {
          quietTimerArmed.set(false);
          if (processNow()) {
            // Every processor, not one: the backlog a burst left is what they are for.
            for (int i = 0; i < config.inbox().processors(); i++) {
              kick();
            }
          } else {
            processWhenQuiet();
          }
        });
  }

  /**
   * Starts one more inbox processor unless {@code mlflow.inboxProcessors} are running: they run on
   * their own bounded worker pool, so processing never holds more than that many threads (and their
   * connections) however fast webhooks arrive. A processor that found work goes again at once when
   * {@link #processNow} says so, else once intake has been quiet (or at the next poll tick).
   */
  private void kick() {
    if (workers == null || stopped.get()) {
      return;
    }
    int n;
    do {
      n = processorsRunning.get();
      if (n >= config.inbox().processors()) {
        return;
      }
    } while (!processorsRunning.compareAndSet(n, n + 1));
    workers
        .executeBlocking(processor::runOnce, false)
        .onComplete(
            r -> {
              processorsRunning.decrementAndGet();
              if (r.failed()) {
                log.warn("MLflow inbox processing failed: {}", r.cause().toString());
                return; // the next poll tries again
              }
              backlogEstimate.addAndGet(-r.result().finished());
              if (r.result().claimed() > 0) {
                if (processNow()) {
                  kick();
                } else {
                  processWhenQuiet();
                }
              }
            });
  }

  private void scheduleSync(String id, long delayMillis) {
    if (stopped.get()) {
      return;
    }
    syncTimers.put(id, vertx.setTimer(Math.max(1, delayMillis), t -> runSync(id)));
  }

  private void runSync(String id) {
    MlflowSync sync = syncs.get(id);
    workers
        .executeBlocking(sync::runOnce, false)
        .onComplete(
            r -> {
              if (r.succeeded()) {
                scheduleSync(id, config.syncInterval().toMillis());
                return;
              }
              String error =
                  r.cause().getMessage() == null ? r.cause().toString() : r.cause().getMessage();
              workers
                  .executeBlocking(() -> store.syncFailed(id, error, clock.instant()), false)
                  .onComplete(
                      f -> {
                        int failures = f.succeeded() ? f.result() : 1;
                        Duration wait = syncBackoff.delay(failures);
                        log.warn(
                            "MLflow sync of '{}' failed ({} in a row), next try in {} ms: {}",
                            id,
                            failures,
                            wait.toMillis(),
                            error);
                        scheduleSync(id, wait.toMillis());
                      });
            });
  }

  /** Runs one sync round of {@code sourceId} now (tools and tests). */
  public Future<String> syncNow(String sourceId) {
    MlflowSync sync = syncs.get(sourceId);
    if (sync == null) {
      return Future.failedFuture(
          new IllegalArgumentException("MLflow source '" + sourceId + "' has no URL to sync from"));
    }
    return vertx.executeBlocking(() -> sync.runOnce().toString(), false);
  }

  private void registerWebhooks(String urlTemplate) {
    for (Map.Entry<String, MlflowRest> e : rests.entrySet()) {
      String id = e.getKey();
      MlflowSource source =
          config.sources().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
      String url = urlTemplate.replace("{source}", id);
      workers
          .executeBlocking(
              () -> {
                JsonNode existing = e.getValue().listWebhooks().json();
                for (JsonNode w : existing.path("webhooks")) {
                  if (url.equals(w.path("url").asText())) {
                    return "already registered (" + w.path("webhook_id").asText() + ")";
                  }
                }
                JsonNode created =
                    e.getValue()
                        .createWebhook(
                            "lineage-ledger-" + id,
                            url,
                            WEBHOOK_EVENTS,
                            source.webhookSecret().reveal())
                        .json();
                return "registered (" + created.path("webhook").path("webhook_id").asText() + ")";
              },
              false)
          .onSuccess(what -> log.info("MLflow webhook of '{}' at {}: {}", id, url, what))
          .onFailure(
              err ->
                  log.warn(
                      "MLflow webhook registration of '{}' at {} failed: {}",
                      id,
                      url,
                      err.getMessage()));
    }
  }

  /** Stops the loops, letting running work finish, and releases the MLflow clients. */
  public Future<Void> stop() {
    stopped.set(true);
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
    syncTimers.values().forEach(vertx::cancelTimer);
    Promise<Void> done = Promise.promise();
    Future<Void> closing = workers == null ? Future.succeededFuture() : workers.close();
    closing.onComplete(
        r -> {
          rests.values().forEach(MlflowRest::close);
          done.complete();
        });
    return done.future();
  }
}
