package io.lineageledger.ingest.mlflow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works through the inbox: claims due deliveries, hands each to its source's {@link Enricher} and
 * records the outcome. MLflow being unreachable is retried with backoff for as long as it lasts;
 * other failures are retried up to {@code maxAttempts} and then left {@code failed} with their
 * error, for an operator. Blocking; {@link #runOnce} is called from a worker.
 */
final class InboxProcessor {
  private static final Logger log = LoggerFactory.getLogger(InboxProcessor.class);
  private static final Duration LEASE = Duration.ofMinutes(5);

  private final Inbox inbox;
  private final Map<String, Enricher> enrichers;
  private final Clock clock;
  private final Backoff backoff;
  private final int maxAttempts;
  private final int batch;

  InboxProcessor(
      Inbox inbox,
      Map<String, Enricher> enrichers,
      Clock clock,
      Backoff backoff,
      int maxAttempts,
      int batch) {
    this.inbox = inbox;
    this.enrichers = Map.copyOf(enrichers);
    this.clock = clock;
    this.backoff = backoff;
    this.maxAttempts = maxAttempts;
    this.batch = batch;
  }

  /** Processes one batch; returns how many deliveries it claimed. */
  int runOnce() throws Exception {
    List<Inbox.Claimed> claimed = inbox.claim(batch, LEASE);
    for (Inbox.Claimed d : claimed) {
      process(d);
    }
    return claimed.size();
  }

  private void process(Inbox.Claimed d) throws Exception {
    Enricher enricher = enrichers.get(d.source());
    int attempt = d.attempts() + 1;
    try {
      if (enricher == null) {
        throw new BadDeliveryException(
            "MLflow source '" + d.source() + "' is no longer configured; cannot process");
      }
      enricher.process(d.deliveryId(), d.body(), d.receivedAt());
      inbox.markDone(d.id());
    } catch (BadDeliveryException e) {
      log.warn("MLflow delivery {} ({}) failed for good: {}", d.id(), d.source(), e.getMessage());
      inbox.markFailed(d.id(), e.getMessage(), Optional.empty());
    } catch (MlflowException e) {
      boolean forever = e.kind == MlflowException.Kind.UNAVAILABLE;
      retryOrFail(d, attempt, forever, e.getMessage());
    } catch (java.sql.SQLException | RuntimeException e) {
      retryOrFail(d, attempt, false, e.toString());
    }
  }

  private void retryOrFail(Inbox.Claimed d, int attempt, boolean forever, String error)
      throws java.sql.SQLException {
    if (forever || attempt < maxAttempts) {
      Instant next = clock.instant().plus(backoff.delay(attempt));
      log.info(
          "MLflow delivery {} ({}) attempt {} failed, retrying at {}: {}",
          d.id(),
          d.source(),
          attempt,
          next,
          error);
      inbox.markFailed(d.id(), "attempt " + attempt + ": " + error, Optional.of(next));
    } else {
      log.warn(
          "MLflow delivery {} ({}) failed after {} attempts: {}",
          d.id(),
          d.source(),
          attempt,
          error);
      inbox.markFailed(d.id(), "attempt " + attempt + " (last): " + error, Optional.empty());
    }
  }
}
