package io.lineageledger.ingest.mlflow;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes accepted deliveries to the {@link Inbox} in shared transactions (group commit): one
 * multi-row insert per transaction of up to {@code writeBatchMax} deliveries. Deliveries arriving
 * while every writer is busy go together in the next transaction; when a writer is free and fewer
 * than a full batch are queued, the write waits up to {@code writeLinger} for more to join it, so
 * one durable commit serves many webhooks under load while a lone webhook waits at most the linger
 * plus one commit. Each caller's future completes only after the transaction holding its delivery
 * committed; a failed transaction fails every caller in it with an {@link InboxWriteException}
 * carrying the cause. At most {@code maxQueuedWrites} deliveries wait; beyond that {@link #submit}
 * refuses at once with {@link InboxFullException} and writes nothing.
 */
final class InboxWriter {
  private record Pending(Inbox.Delivery delivery, Promise<Inbox.Accepted> promise) {}

  /** The transaction itself, so tests can make it fail. */
  interface Store {
    List<Inbox.Accepted> acceptAll(List<Inbox.Delivery> deliveries) throws Exception;
  }

  private final Vertx vertx;
  private final Store store;
  private final MlflowConfig.InboxSettings settings;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;
  private long lingerTimer = -1;

  InboxWriter(Vertx vertx, Store store, MlflowConfig.InboxSettings settings) {
    this.vertx = vertx;
    this.store = store;
    this.settings = settings;
  }

  /** Completes once {@code d} is committed (or found already stored). */
  Future<Inbox.Accepted> submit(Inbox.Delivery d) {
    Promise<Inbox.Accepted> p = Promise.promise();
    synchronized (this) {
      if (queue.size() >= settings.maxQueuedWrites()) {
        return Future.failedFuture(
            new InboxFullException(
                InboxFullException.Bound.WRITE_QUEUE,
                queue.size(),
                settings.maxQueuedWrites(),
                settings.retryAfter()));
      }
      queue.add(new Pending(d, p));
    }
    drain(false);
    return p.future();
  }

  /** Deliveries waiting for a transaction (not counting those in one). */
  synchronized int queued() {
    return queue.size();
  }

  /** Deliveries queued or in a transaction: zero when intake is idle. */
  synchronized int busy() {
    return queue.size() + inFlight;
  }

  /**
   * Starts writes while writers are free and something is queued; with {@code lingerOver} false a
   * partial batch is held back for the linger first.
   */
  private void drain(boolean lingerOver) {
    while (true) {
      List<Pending> batch;
      synchronized (this) {
        if (queue.isEmpty() || inFlight >= settings.writesInFlight()) {
          return;
        }
        Duration linger = settings.writeLinger();
        if (!lingerOver && !linger.isZero() && queue.size() < settings.writeBatchMax()) {
          if (lingerTimer < 0) {
            lingerTimer =
                vertx.setTimer(
                    Math.max(1, linger.toMillis()),
                    t -> {
                      synchronized (this) {
                        lingerTimer = -1;
                      }
                      drain(true);
                    });
          }
          return;
        }
        if (lingerTimer >= 0) {
          vertx.cancelTimer(lingerTimer);
          lingerTimer = -1;
        }
        inFlight++;
        batch = new ArrayList<>(Math.min(settings.writeBatchMax(), queue.size()));
        while (!queue.isEmpty() && batch.size() < settings.writeBatchMax()) {
          batch.add(queue.poll());
        }
      }
      write(batch);
      // What queued up meanwhile may go at once: the linger only holds back a lone delivery.
      lingerOver = true;
    }
  }

  private void write(List<Pending> batch) {
    vertx
        .executeBlocking(
            () -> store.acceptAll(batch.stream().map(Pending::delivery).toList()), false)
        .onComplete(
            r -> {
              synchronized (this) {
                inFlight--;
              }
              for (int i = 0; i < batch.size(); i++) {
                if (r.succeeded()) {
                  batch.get(i).promise().complete(r.result().get(i));
                } else {
                  batch
                      .get(i)
                      .promise()
                      .fail(
                          new InboxWriteException(
                              "the inbox transaction holding "
                                  + batch.size()
                                  + " deliveries failed (rolled back, or its outcome unknown;"
                                  + " a redelivery with the same id is safe either way): "
                                  + r.cause(),
                              r.cause(),
                              settings.retryAfter()));
                }
              }
              drain(true);
            });
  }
}
