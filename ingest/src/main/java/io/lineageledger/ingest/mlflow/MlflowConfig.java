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
 */
public record MlflowConfig(
    List<MlflowSource> sources,
    Duration timestampTolerance,
    long webhookBodyLimitBytes,
    Duration syncInterval,
    Duration requestTimeout,
    int maxAttempts,
    Duration pollInterval,
    Optional<String> registerWebhookUrl) {
  public MlflowConfig {
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
}
