package io.lineageledger.bpf;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runtime evidence from the kernel: the probes attached, lifecycle events consumed, and an {@link
 * EvidenceWindow} handed to the sink every window (empty windows are not). Closing detaches the
 * probes after handing over a last window.
 */
public final class RuntimeEvidence implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RuntimeEvidence.class);

  private final ProbeSession session;
  private final EvidenceCollector collector;
  private final Consumer<EvidenceWindow> sink;
  private final ScheduledExecutorService timer;
  private boolean closed;

  private RuntimeEvidence(
      ProbeSession session,
      EvidenceCollector collector,
      Consumer<EvidenceWindow> sink,
      boolean tick,
      ProbeOptions o) {
    this.session = session;
    this.collector = collector;
    this.sink = sink;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lineage-evidence-windows");
              t.setDaemon(true);
              return t;
            });
    if (tick) {
      long ms = o.window().toMillis();
      timer.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Loads and attaches the probes and starts cutting windows.
   *
   * @throws ProbesUnavailableException when this machine or build cannot run them, saying why
   */
  public static RuntimeEvidence start(
      ProbeOptions options, Clock clock, Consumer<EvidenceWindow> sink) {
    return start(options, clock, sink, true);
  }

  static RuntimeEvidence start(
      ProbeOptions options, Clock clock, Consumer<EvidenceWindow> sink, boolean tick) {
    ProbeSession s = ProbeSession.open(options);
    try {
      EvidenceCollector c =
          new EvidenceCollector(
              s, options.envNames(), new ContentDigests(options.digestMaxBytes(), 4096), clock);
      s.startEvents(c::onEvent);
      return new RuntimeEvidence(s, c, sink, tick, options);
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** Why the probes cannot run in this process, or null when they may be tried. */
  public static String unavailableReason() {
    return ProbeSession.preflight();
  }

  private void tick() {
    try {
      EvidenceWindow w = collector.closeWindow();
      if (!w.isEmpty()) {
        sink.accept(w);
      }
    } catch (RuntimeException e) {
      LOG.error("runtime evidence: cutting a window failed; retrying next window", e);
    }
  }

  /** Cuts the current window now and returns it (also when empty), without handing it over. */
  public EvidenceWindow cut() {
    return collector.closeWindow();
  }

  /** Hands every queued lifecycle event over to the collector (the poller keeps running). */
  void drainEvents() {
    session.stopEvents();
    session.startEvents(collector::onEvent);
  }

  ProbeSession session() {
    return session;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    timer.shutdownNow();
    try {
      session.stopEvents();
      tick();
    } finally {
      session.close();
    }
  }
}
