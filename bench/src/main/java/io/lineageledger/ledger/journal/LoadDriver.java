package io.lineageledger.ledger.journal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Appends records {@code [from, to)} from several writer threads in fixed-size {@link
 * Journal#appendAll} calls while one thread drives {@link TransparencyLog#step()} the way the
 * service's LogRunner does (a fixed-rate timer), until a signed checkpoint covers {@code to}
 * leaves.
 */
final class LoadDriver {
  /** Where a writer's batch {@code [from, from + n)} comes from (pre-built, or built on demand). */
  interface Batches {
    List<Record> batch(long from, int n);
  }

  /**
   * @param records appended by this run
   * @param appendSeconds first append until the last appendAll returned
   * @param sequencedSeconds first append until a tree head covered every record
   * @param checkpointSeconds first append until a signed checkpoint covered every record
   * @param callNanos latency of each appendAll call
   * @param stepNanos duration of each step() call that did work
   */
  record Result(
      long records,
      double appendSeconds,
      double sequencedSeconds,
      double checkpointSeconds,
      long[] callNanos,
      long[] stepNanos) {
    double recordsPerSecond() {
      return records / checkpointSeconds;
    }
  }

  private final TransparencyLog log;
  private final int writers;
  private final int batchSize;
  private final Duration stepEvery;

  LoadDriver(TransparencyLog log, int writers, int batchSize, Duration stepEvery) {
    this.log = log;
    this.writers = writers;
    this.batchSize = batchSize;
    this.stepEvery = stepEvery;
  }

  Result run(long from, long to, Batches batches, Duration timeout) throws Exception {
    AtomicLong cursor = new AtomicLong(from);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long[][] latencies = new long[writers][];
    long[] finishedAt = new long[writers];
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int w = 0; w < writers; w++) {
      int me = w;
      Thread writer =
          new Thread(
              () -> {
                try {
                  latencies[me] = write(cursor, to, batches, failure);
                } catch (Throwable t) {
                  failure.compareAndSet(null, t);
                  latencies[me] = new long[0];
                }
                finishedAt[me] = System.nanoTime();
              },
              "bench-writer-" + w);
      writer.start();
      threads.add(writer);
    }
    long sequencedAt = 0;
    long checkpointAt = 0;
    List<Long> steps = new ArrayList<>();
    long nextStep = start;
    while (checkpointAt == 0 && failure.get() == null) {
      if (System.nanoTime() > deadline) {
        failure.compareAndSet(
            null,
            new IllegalStateException("no checkpoint of " + to + " leaves within " + timeout));
        break;
      }
      long sleep = nextStep - System.nanoTime();
      if (sleep > 0) {
        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
      }
      nextStep = Math.max(nextStep + stepEvery.toNanos(), System.nanoTime());
      long t = System.nanoTime();
      long size = log.step();
      if (size > 0) {
        steps.add(System.nanoTime() - t);
      }
      if (sequencedAt == 0 && size >= to) {
        sequencedAt = System.nanoTime();
      }
      if (sequencedAt != 0 && log.latestCheckpoint().map(SignedCheckpoint::size).orElse(0L) >= to) {
        checkpointAt = System.nanoTime();
      }
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("load run failed: " + failure.get(), failure.get());
    }
    long appendsDone = Arrays.stream(finishedAt).max().orElse(start);
    return new Result(
        to - from,
        (appendsDone - start) / 1e9,
        (sequencedAt - start) / 1e9,
        (checkpointAt - start) / 1e9,
        Arrays.stream(latencies).flatMapToLong(Arrays::stream).toArray(),
        steps.stream().mapToLong(Long::longValue).toArray());
  }

  private long[] write(
      AtomicLong cursor, long to, Batches batches, AtomicReference<Throwable> failure)
      throws Exception {
    long[] nanos = new long[(int) ((to - cursor.get()) / batchSize + 2)];
    int calls = 0;
    Journal journal = log.journal();
    while (failure.get() == null) {
      long first = cursor.getAndAdd(batchSize);
      if (first >= to) {
        break;
      }
      int n = (int) Math.min(batchSize, to - first);
      List<Record> records = batches.batch(first, n);
      long t = System.nanoTime();
      List<AppendResult> results = journal.appendAll(records);
      nanos[calls++] = System.nanoTime() - t;
      for (AppendResult r : results) {
        if (r.status() != AppendResult.Status.CREATED) {
          throw new IllegalStateException(
              "record " + r.id() + " was " + r.status() + ", not CREATED");
        }
      }
    }
    return Arrays.copyOf(nanos, calls);
  }
}
