package io.lineageledger.ingest.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Group commit, its bounds and its failures, against a store the test controls. */
class InboxWriterTest {
  final Vertx vertx = Vertx.vertx();
  final List<List<String>> transactions = new CopyOnWriteArrayList<>();
  final CountDownLatch release = new CountDownLatch(1);
  final CountDownLatch firstStarted = new CountDownLatch(1);

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  static MlflowConfig.InboxSettings settings(
      int batchMax, Duration linger, int inFlight, int maxQueued) {
    return new MlflowConfig.InboxSettings(
        batchMax, linger, inFlight, maxQueued, 1000, 1, 10, Duration.ofSeconds(3));
  }

  static Inbox.Delivery delivery(String id) {
    return new Inbox.Delivery(
        "prod", id, 1L, List.of(Map.entry("X-MLflow-Delivery-Id", id)), new byte[] {'{', '}'});
  }

  /** Records each transaction's delivery ids; the first one waits for {@link #release}. */
  InboxWriter.Store blockingFirst() {
    return deliveries -> {
      List<String> ids = deliveries.stream().map(Inbox.Delivery::deliveryId).toList();
      transactions.add(ids);
      if (transactions.size() == 1) {
        firstStarted.countDown();
        release.await(30, TimeUnit.SECONDS);
      }
      List<Inbox.Accepted> out = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        out.add(new Inbox.Accepted(Long.parseLong(ids.get(i).substring(1)), false));
      }
      return out;
    };
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void submit_whileTheWriterIsBusy_queuedDeliveriesShareTheNextTransaction() throws Exception {
    InboxWriter w = new InboxWriter(vertx, blockingFirst(), settings(100, Duration.ZERO, 1, 100));
    Future<Inbox.Accepted> first = w.submit(delivery("d1"));
    assertThat(firstStarted.await(30, TimeUnit.SECONDS)).isTrue();
    List<Future<Inbox.Accepted>> later = new ArrayList<>();
    for (int i = 2; i <= 4; i++) {
      later.add(w.submit(delivery("d" + i)));
    }
    assertThat(w.queued()).isEqualTo(3);
    assertThat(w.busy()).as("three queued and one in a transaction").isEqualTo(4);
    // Not acknowledged before the transaction holding it commits.
    assertThat(first.isComplete()).isFalse();
    assertThat(later).noneMatch(Future::isComplete);
    release.countDown();
    assertThat(await(first).id()).isEqualTo(1);
    for (int i = 0; i < later.size(); i++) {
      assertThat(await(later.get(i)).id()).isEqualTo(i + 2);
      assertThat(w.busy()).isZero();
    }
    assertThat(transactions).containsExactly(List.of("d1"), List.of("d2", "d3", "d4"));
  }

  @Test
  void submit_fullBatchBeforeTheLingerEnds_writtenAtOnceAsOneTransaction() throws Exception {
    release.countDown();
    // A linger far longer than the test's bound: only a full batch can have been written.
    InboxWriter w =
        new InboxWriter(vertx, blockingFirst(), settings(3, Duration.ofSeconds(600), 4, 100));
    List<Future<Inbox.Accepted>> all = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      all.add(w.submit(delivery("d" + i)));
    }
    for (Future<Inbox.Accepted> f : all) {
      await(f);
    }
    assertThat(transactions).containsExactly(List.of("d1", "d2", "d3"));
  }

  @Test
  void submit_queueAtItsBound_refusedAtOnceAndNeverWritten() throws Exception {
    InboxWriter w = new InboxWriter(vertx, blockingFirst(), settings(100, Duration.ZERO, 1, 2));
    Future<Inbox.Accepted> first = w.submit(delivery("d1"));
    assertThat(firstStarted.await(30, TimeUnit.SECONDS)).isTrue();
    Future<Inbox.Accepted> second = w.submit(delivery("d2"));
    Future<Inbox.Accepted> third = w.submit(delivery("d3"));
    Future<Inbox.Accepted> refused = w.submit(delivery("d4"));
    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause())
        .isInstanceOfSatisfying(
            InboxFullException.class,
            e -> {
              assertThat(e.bound()).isEqualTo(InboxFullException.Bound.WRITE_QUEUE);
              assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
              assertThat(e.getMessage()).contains("2 deliveries").contains("limit 2");
            });
    release.countDown();
    await(first);
    await(second);
    await(third);
    assertThat(transactions).containsExactly(List.of("d1"), List.of("d2", "d3"));
  }

  @Test
  void submit_transactionFails_everyWaiterInItFailsWithTheCause() throws Exception {
    SQLException cause = new SQLException("disk full", "53100");
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    CountDownLatch hold = new CountDownLatch(1);
    InboxWriter w =
        new InboxWriter(
            vertx,
            deliveries -> {
              sizes.add(deliveries.size());
              if (sizes.size() == 1) {
                hold.await(30, TimeUnit.SECONDS);
              }
              throw cause;
            },
            settings(100, Duration.ZERO, 1, 100));
    Future<Inbox.Accepted> a = w.submit(delivery("d1"));
    Future<Inbox.Accepted> b = w.submit(delivery("d2"));
    Future<Inbox.Accepted> c = w.submit(delivery("d3"));
    hold.countDown();
    for (Future<Inbox.Accepted> f : List.of(a, b, c)) {
      try {
        await(f);
        throw new AssertionError("the write failed; its waiter must fail");
      } catch (ExecutionException e) {
        assertThat(e.getCause())
            .isInstanceOf(InboxWriteException.class)
            .hasCause(cause)
            .hasMessageContaining("disk full");
        assertThat(((InboxWriteException) e.getCause()).retryAfter())
            .isEqualTo(Duration.ofSeconds(3));
      }
    }
    assertThat(sizes).containsExactly(1, 2);
  }
}
