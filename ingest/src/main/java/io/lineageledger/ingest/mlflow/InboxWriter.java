package io.lineageledger.ingest.mlflow;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes accepted deliveries to the {@link Inbox} in shared transactions: deliveries arriving while
 * a write is in flight go together in the next one (group commit), so one durable commit serves
 * many webhooks under load and a lone webhook still waits for one commit only. Each caller's future
 * completes after the transaction holding its delivery committed.
 */
public final class InboxWriter {
  private record Pending(Inbox.Delivery delivery, Promise<Inbox.Accepted> promise) {}

  private final Vertx vertx;
  private final Inbox inbox;
  private final int maxBatch;
  private final int maxInFlight;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;

  public InboxWriter(Vertx vertx, Inbox inbox, int maxBatch, int maxInFlight) {
    this.vertx = vertx;
    this.inbox = inbox;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
  }

  /** Completes once {@code d} is committed (or found already stored). */
  public Future<Inbox.Accepted> submit(Inbox.Delivery d) {
    Promise<Inbox.Accepted> p = Promise.promise();
    synchronized (this) {
      queue.add(new Pending(d, p));
    }
    drain();
    return p.future();
  }

  private void drain() {
    List<Pending> batch;
    synchronized (this) {
      if (queue.isEmpty() || inFlight >= maxInFlight) {
        return;
      }
      inFlight++;
      batch = new ArrayList<>(Math.min(maxBatch, queue.size()));
      while (!queue.isEmpty() && batch.size() < maxBatch) {
        batch.add(queue.poll());
      }
    }
    vertx
        .executeBlocking(
            () -> inbox.acceptAll(batch.stream().map(Pending::delivery).toList()), false)
        .onComplete(
            r -> {
              synchronized (this) {
                inFlight--;
              }
              for (int i = 0; i < batch.size(); i++) {
                if (r.succeeded()) {
                  batch.get(i).promise().complete(r.result().get(i));
                } else {
                  batch.get(i).promise().fail(r.cause());
                }
              }
              drain();
            });
    drain();
  }
}
