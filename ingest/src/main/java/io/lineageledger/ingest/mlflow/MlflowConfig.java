package io.lineageledger.ingest.mlflow;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * MLflow ingestion settings.
 *
 * @param sources the MLflow servers, each with its own id and webhook secret
 * @param timestampTolerance how far a webhook's signed timestamp may be from the service's clock
 * @param webhookBodyLimitBytes largest webhook body accepted
 * @param syncInterval time between two sync rounds of a server; zero = no sync
 * @param requestTimeout deadline of one call to MLflow
 * @param maxAttempts attempts at a delivery before it is left failed (MLflow being unreachable does
 *     not count: that is retried until it is reachable)
 * @param pollInterval how often the inbox is checked for due deliveries when idle
 * @param registerWebhookUrl when present, the URL (with {@code {source}} replaced by the source id)
 *     registered as a webhook in each MLflow server at start, unless one with that URL exists
 * @param inbox how deliveries are written to and drained from the inbox
 */
public record MlflowConfig(
    List<MlflowSource> sources,
    Duration timestampTolerance,
    long webhookBodyLimitBytes,
    Duration syncInterval,
    Duration requestTimeout,
    int maxAttempts,
    Duration pollInterval,
    Optional<String> registerWebhookUrl,
    InboxSettings inbox) {
  public MlflowConfig {
    Objects.requireNonNull(inbox, "inbox");
    sources = List.copyOf(sources);
    if (sources.stream().map(MlflowSource::id).distinct().count() != sources.size()) {
      throw new IllegalArgumentException(
          "MLflow source ids must be unique: " + sources.stream().map(MlflowSource::id).toList());
    }
    Objects.requireNonNull(timestampTolerance, "timestampTolerance");
    Objects.requireNonNull(syncInterval, "syncInterval");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(registerWebhookUrl, "registerWebhookUrl");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException(
          "maxAttempts " + maxAttempts + " is not allowed: expected >= 1");
    }
  }

  /**
   * Intake and drain of the webhook inbox.
   *
   * @param writeBatchMax most deliveries one inbox transaction takes (group commit)
   * @param writeLinger how long a write may wait for more deliveries to join it while fewer than
   *     {@code writeBatchMax} are queued; zero = write whatever is queued as soon as a writer is
   *     free
   * @param writesInFlight inbox transactions open at once
   * @param maxQueuedWrites verified deliveries waiting for an inbox transaction beyond which new
   *     ones are refused with 429
   * @param maxBacklog unprocessed (pending) deliveries in the inbox beyond which new ones are
   *     refused with 429
   * @param processors inbox processors running at once (each holds one batch and up to three
   *     database connections), so processing cannot take every core or connection from intake
   * @param processBatch most deliveries one processor claims per transaction
   * @param processQuiet how long no delivery must have been accepted before processing runs flat
   *     out (intake first; see {@code MlflowIngest.processNow})
   * @param retryAfter the {@code Retry-After} a refused delivery is given
   */
  public record InboxSettings(
      int writeBatchMax,
      Duration writeLinger,
      int writesInFlight,
      int maxQueuedWrites,
      long maxBacklog,
      int processors,
      int processBatch,
      Duration processQuiet,
      Duration retryAfter) {
    public InboxSettings {
      positive("writeBatchMax", writeBatchMax);
      positive("writesInFlight", writesInFlight);
      positive("maxQueuedWrites", maxQueuedWrites);
      positive("maxBacklog", maxBacklog);
      positive("processors", processors);
      positive("processBatch", processBatch);
      Objects.requireNonNull(writeLinger, "writeLinger");
      Objects.requireNonNull(retryAfter, "retryAfter");
      Objects.requireNonNull(processQuiet, "processQuiet");
      if (processQuiet.isNegative()) {
        throw new IllegalArgumentException(
            "processQuiet " + processQuiet + " is not allowed: expected >= 0");
      }
      if (writeLinger.isNegative()) {
        throw new IllegalArgumentException(
            "writeLinger " + writeLinger + " is not allowed: expected >= 0");
      }
      if (retryAfter.toSeconds() < 1) {
        throw new IllegalArgumentException(
            "retryAfter " + retryAfter + " is not allowed: expected at least 1 s");
      }
    }

    /** The defaults documented in the configuration table. */
    public static InboxSettings defaults() {
      return new InboxSettings(
          500,
          Duration.ofMillis(1),
          4,
          10_000,
          200_000,
          2,
          100,
          Duration.ofMillis(50),
          Duration.ofSeconds(1));
    }

    private static void positive(String name, long value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " " + value + " is not allowed: expected >= 1");
      }
    }
  }
}
