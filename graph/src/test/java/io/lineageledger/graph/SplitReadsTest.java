package io.lineageledger.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class SplitReadsTest {

  private static final Duration BOUND = Duration.ofSeconds(10);

  private static Connection connection(String name) {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "toString" -> name;
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> null;
                });
  }

  private static DataSource pool(Supplier<Connection> next) {
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> method.getName().equals("getConnection") ? next.get() : null);
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Test
  void both_helperHoldsAConnection_readsTheSecondHalfThere() throws Exception {
    Connection own = connection("own");
    Connection other = connection("other");
    CountDownLatch helperReading = new CountDownLatch(1);
    SplitReads split = new SplitReads(pool(() -> other), 1);

    SplitReads.Halves<String> h =
        split.both(
            own,
            c -> {
              // The first half waits until the helper has claimed the second.
              await(helperReading);
              return c.toString();
            },
            c -> {
              helperReading.countDown();
              return c.toString();
            });

    assertThat(h).isEqualTo(new SplitReads.Halves<>("own", "other"));
  }

  @Test
  void both_noConnectionForTheHelper_readsBothHalvesOnItsOwn() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger asked = new AtomicInteger();
    SplitReads split =
        new SplitReads(
            pool(
                () -> {
                  asked.incrementAndGet();
                  try {
                    // An exhausted pool: the helper waits for a connection that never comes.
                    never.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return connection("late");
                }),
            1);
    Connection own = connection("own");

    try {
      SplitReads.Halves<String> h = split.both(own, Object::toString, Object::toString);

      assertThat(h).isEqualTo(new SplitReads.Halves<>("own", "own"));
    } finally {
      never.countDown();
    }
  }

  @Test
  void both_noHelperThreads_readsBothHalvesOnItsOwn() throws Exception {
    SplitReads split =
        new SplitReads(
            pool(
                () -> {
                  throw new AssertionError("no second connection may be asked for");
                }),
            0);

    assertThat(split.enabled()).isFalse();
    assertThat(split.both(connection("own"), Object::toString, c -> c + "!"))
        .isEqualTo(new SplitReads.Halves<>("own", "own!"));
  }

  @Test
  void both_helperReadFails_failsWithItsCause() {
    CountDownLatch helperReading = new CountDownLatch(1);
    SplitReads split = new SplitReads(pool(() -> connection("other")), 1);

    assertThatThrownBy(
            () ->
                split.both(
                    connection("own"),
                    c -> {
                      await(helperReading);
                      return "a";
                    },
                    c -> {
                      helperReading.countDown();
                      throw new SQLException("statement timeout", "57014");
                    }))
        .isInstanceOf(SQLException.class)
        .hasMessage("statement timeout");
  }

  @Test
  void new_threadsOutOfRange_refused() {
    assertThatThrownBy(() -> new SplitReads(pool(() -> null), 65))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("helper threads 65 is not allowed: expected 0..64");
  }
}
