package io.lineageledger.ingest.mlflow;

import io.lineageledger.ledger.journal.Record;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works through the inbox: claims due deliveries, hands each to its source's {@link Enricher} and
 * records the outcome. MLflow being unreachable is retried with backoff for as long as it lasts;
 * other failures are retried up to {@code maxAttempts} and then left {@code failed} with their
 * error, for an operator. Each delivery is processed under its inbox row lock (see {@link
 * Inbox#processDue}). Blocking; {@link #runOnce} is called from a worker.
 */
final class InboxProcessor {
  private static final Logger log = LoggerFactory.getLogger(InboxProcessor.class);

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

  /** Processes up to one batch of due deliveries. */
  Inbox.Round runOnce() throws Exception {
    Map<Inbox.Claimed, List<Record>> deferred = new LinkedHashMap<>();
    return inbox.processDue(
        batch,
        new Inbox.Work() {
          @Override
          public Inbox.Outcome process(Inbox.Claimed d) {
            return InboxProcessor.this.process(
                d, deferred.computeIfAbsent(d, k -> new ArrayList<>()));
          }

          @Override
          public Map<Long, Inbox.Outcome> beforeCommit() {
            return journalDeferred(deferred);
          }
        });
  }

  /**
   * Journals the batch's deferred records, one transaction per source; if that fails, delivery by
   * delivery, so one bad delivery cannot hold back (or endlessly re-run) the others. Runs before
   * the outcomes commit: a crash in between leaves the deliveries pending, and journaling them
   * again is a no-op.
   */
  private Map<Long, Inbox.Outcome> journalDeferred(Map<Inbox.Claimed, List<Record>> deferred) {
    Map<Long, Inbox.Outcome> overrides = new LinkedHashMap<>();
    Map<String, List<Inbox.Claimed>> bySource = new LinkedHashMap<>();
    deferred.forEach(
        (d, records) -> {
          if (!records.isEmpty()) {
            bySource.computeIfAbsent(d.source(), s -> new ArrayList<>()).add(d);
          }
        });
    for (Map.Entry<String, List<Inbox.Claimed>> e : bySource.entrySet()) {
      Enricher enricher = enrichers.get(e.getKey());
      List<Record> all = new ArrayList<>();
      e.getValue().forEach(d -> all.addAll(deferred.get(d)));
      try {
        enricher.append(all);
      } catch (Exception batchFailure) {
        for (Inbox.Claimed d : e.getValue()) {
          try {
            enricher.append(deferred.get(d));
          } catch (Exception one) {
            overrides.put(d.id(), retryOrFail(d, d.attempts() + 1, false, "journaling: " + one));
          }
        }
      }
    }
    return overrides;
  }

  private Inbox.Outcome process(Inbox.Claimed d, List<Record> deferred) {
    Enricher enricher = enrichers.get(d.source());
    int attempt = d.attempts() + 1;
    try {
      if (enricher == null) {
        throw new BadDeliveryException(
            "MLflow source '" + d.source() + "' is no longer configured; cannot process");
      }
      int before = deferred.size();
      try {
        enricher.process(d.deliveryId(), d.body(), d.receivedAt(), deferred);
      } catch (Exception e) {
        // A failed delivery's deferred records must not be journaled with the batch.
        deferred.subList(before, deferred.size()).clear();
        throw e;
      }
      return Inbox.Outcome.done();
    } catch (BadDeliveryException e) {
      log.warn("MLflow delivery {} ({}) failed for good: {}", d.id(), d.source(), e.getMessage());
      return Inbox.Outcome.failed(e.getMessage());
    } catch (MlflowException e) {
      return retryOrFail(d, attempt, e.kind == MlflowException.Kind.UNAVAILABLE, e.getMessage());
    } catch (Exception e) {
      return retryOrFail(d, attempt, false, e.toString());
    }
  }

  private Inbox.Outcome retryOrFail(Inbox.Claimed d, int attempt, boolean forever, String error) {
    if (forever || attempt < maxAttempts) {
      Instant next = clock.instant().plus(backoff.delay(attempt));
      log.info(
          "MLflow delivery {} ({}) attempt {} failed, retrying at {}: {}",
          d.id(),
          d.source(),
          attempt,
          next,
          error);
      return Inbox.Outcome.retry("attempt " + attempt + ": " + error, next);
    }
    log.warn(
        "MLflow delivery {} ({}) failed after {} attempts: {}", d.id(), d.source(), attempt, error);
    return Inbox.Outcome.failed("attempt " + attempt + " (last): " + error);
  }
}
