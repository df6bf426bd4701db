package io.lineageledger.bpf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@code lineage observe -- COMMAND...}: runs a command tracked from its exec (through a marker
 * variable in its environment, inherited by everything it starts), waits for it, and prints the
 * evidence of its process tree as JSON. The command's own output goes to this process's output.
 */
public final class Observe {
  /** Environment variable marking an observed tree; its value is unique per observation. */
  public static final String MARKER = "LINEAGE_OBSERVE_ID";

  private Observe() {}

  /**
   * @param journal receives the evidence window when the caller journals it (may do nothing)
   * @return the command's exit code
   * @throws ProbesUnavailableException when the probes cannot run here
   */
  public static int run(
      List<String> command, ProbeOptions base, PrintStream out, Consumer<EvidenceWindow> journal)
      throws IOException, InterruptedException {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("observe needs a command: lineage observe -- COMMAND...");
    }
    List<String> env = new ArrayList<>();
    env.add(MARKER);
    for (String n : base.envNames()) {
      if (!n.equals(MARKER) && env.size() < Codecs.ENV_NAMES) {
        env.add(n);
      }
    }
    String token = UUID.randomUUID().toString();
    Result r;
    try (RuntimeEvidence rt =
        RuntimeEvidence.start(base.withEnvNames(env), Clock.systemUTC(), w -> {}, false)) {
      ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
      pb.environment().put(MARKER, token);
      Process p = pb.start();
      int code = p.waitFor();
      rt.drainEvents();
      EvidenceWindow w = rt.cut();
      r = new Result(code, only(w, token));
    }
    ObjectMapper json =
        new ObjectMapper()
            .findAndRegisterModules()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    out.println(json.writeValueAsString(summary(r.window)));
    journal.accept(r.window);
    return r.code;
  }

  private record Result(int code, EvidenceWindow window) {}

  /** The window restricted to the observed tree (other tracked processes may run meanwhile). */
  static EvidenceWindow only(EvidenceWindow w, String token) {
    List<ProcessEvidence> mine = new ArrayList<>();
    for (ProcessEvidence p : w.processes()) {
      if (token.equals(p.env().get(MARKER))) {
        mine.add(p);
      }
    }
    return new EvidenceWindow(
        w.id(), w.start(), w.end(), w.eventsEmitted(), w.eventsLost(), w.updatesLost(), mine);
  }

  private static Object summary(EvidenceWindow w) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("window", w.id());
    m.put("start", w.start().toString());
    m.put("end", w.end().toString());
    m.put("eventsLost", w.eventsLost());
    m.put("updatesLost", w.updatesLost());
    m.put("complete", w.eventsLost() == 0 && w.updatesLost() == 0);
    m.put("processes", w.processes());
    return m;
  }
}
