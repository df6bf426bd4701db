package io.lineageledger.api;

import io.lineageledger.bpf.EvidenceJournal;
import io.lineageledger.bpf.EvidenceWindow;
import io.lineageledger.bpf.Observe;
import io.lineageledger.bpf.ProbesUnavailableException;
import io.lineageledger.ledger.journal.Journal;
import io.lineageledger.ledger.verify.OfflineVerifier;
import io.lineageledger.platform.Database;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Command-line dispatch. {@code serve} runs the service until SIGTERM/SIGINT; {@code keys} manages
 * API keys against the same database (while the service runs, too); {@code config} prints the
 * resolved configuration with secrets hidden.
 */
final class Cli {
  static final int KEEP_RUNNING = -1;
  private static final String USAGE =
      String.join(
          "\n",
          "usage: lineage [--config FILE] <command>",
          "  serve                              run the service (default)",
          "  keys create --role ROLE --name NAME  create an API key (shown once)",
          "  keys list                          list keys (never their secrets)",
          "  keys revoke ID|NAME                revoke an active key",
          "  config                             print the resolved configuration",
          "  verify RECORD.json PROOF.json CHECKPOINT.txt --key VKEY",
          "                                     check a record, its inclusion proof and checkpoint offline",
          "  verify ANSWER.json --key VKEY      check a whole proofs=true query answer offline (its",
          "                                     checkpoint, anchor, every record and proof, citations)",
          "  verify-consistency OLD.txt NEW.txt CONSISTENCY.json --key VKEY",
          "                                     check that one checkpoint extends another, offline",
          "  rebuild-graph                      rebuild the lineage graph from the journal alone",
          "  observe -- COMMAND [ARG...]        run COMMAND under the eBPF probes and print its evidence",
          "                                     (journaled too when db.url is configured; needs root)",
          "roles: ingest, auditor, regulator, admin");

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private final Clock clock;

  Cli(PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
    this.out = out;
    this.err = err;
    this.env = env;
    this.clock = clock;
  }

  int run(String[] argv) {
    Deque<String> args = new ArrayDeque<>(Arrays.asList(argv));
    Optional<Path> config = Optional.empty();
    Deque<String> rest = new ArrayDeque<>();
    while (!args.isEmpty()) {
      String a = args.pop();
      if (a.equals("--")) {
        // the rest is a command line (observe): its own options are not ours
        rest.add(a);
        rest.addAll(args);
        args.clear();
      } else if (a.equals("--config")) {
        if (args.isEmpty()) {
          return usage("--config needs a file");
        }
        config = Optional.of(Path.of(args.pop()));
      } else {
        rest.add(a);
      }
    }
    String command = rest.isEmpty() ? "serve" : rest.pop();
    try {
      return switch (command) {
        case "serve" -> serve(config);
        case "keys" -> keys(config, rest);
        case "config" -> printConfig(config);
        case "verify", "verify-consistency" -> verifyOffline(command, rest);
        case "rebuild-graph" -> rebuildGraph(config);
        case "observe" -> observe(config, rest);
        case "help", "--help", "-h" -> {
          out.println(USAGE);
          yield 0;
        }
        default -> usage("unknown command '" + command + "'");
      };
    } catch (ConfigException | IllegalArgumentException | IllegalStateException e) {
      err.println("lineage: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      err.println("lineage: " + e.getMessage());
      return 1;
    }
  }

  /** Runs a command tracked from its exec and prints (and, with db.url, journals) its evidence. */
  private int observe(Optional<Path> config, Deque<String> rest) {
    if (!rest.isEmpty() && rest.peek().equals("--")) {
      rest.pop();
    }
    if (rest.isEmpty()) {
      return usage("observe needs a command: lineage observe -- COMMAND [ARG...]");
    }
    Settings s = Settings.load(config, env);
    Database db = null;
    try {
      java.util.function.Consumer<EvidenceWindow> journal = w -> {};
      if (s.database().jdbcUrl().isPresent()) {
        db = Database.open(s.database());
        EvidenceJournal evidence = new EvidenceJournal(new Journal(db.dataSource(), clock));
        journal =
            w -> {
              try {
                err.println(
                    "lineage observe: journaled "
                        + evidence.append(w).size()
                        + " evidence records");
              } catch (java.sql.SQLException e) {
                throw new IllegalStateException("journaling the evidence failed: " + e, e);
              }
            };
      } else {
        err.println(
            "lineage observe: no db.url configured, so the evidence is printed, not journaled");
      }
      return Observe.run(List.copyOf(rest), s.evidence().options(), out, journal);
    } catch (ProbesUnavailableException e) {
      err.println("lineage observe: runtime evidence is unavailable here: " + e.getMessage());
      return 3;
    } catch (java.io.IOException e) {
      err.println("lineage observe: cannot run " + rest.peek() + ": " + e.getMessage());
      return 127;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    } finally {
      if (db != null) {
        db.close();
      }
    }
  }

  private int usage(String problem) {
    err.println("lineage: " + problem);
    err.println(USAGE);
    return 2;
  }

  /** Vert.x with Prometheus metrics; the registry is what {@code /metrics} scrapes. */
  static Vertx newVertx() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MicrometerMetricsOptions metrics =
        new MicrometerMetricsOptions()
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
            .setJvmMetricsEnabled(true)
            .setEnabled(true);
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  private int serve(Optional<Path> config) {
    Vertx vertx = newVertx();
    ApiVerticle verticle = new ApiVerticle(config, env, clock, out);
    try {
      vertx
          .deployVerticle(verticle)
          .toCompletionStage()
          .toCompletableFuture()
          .get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      err.println("lineage: start-up failed: " + describe(cause));
      vertx.close();
      return 1;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  out.println(
                      "Lineage Ledger stopping: draining requests, flushing, stopping the database");
                  try {
                    vertx
                        .close()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(5, TimeUnit.MINUTES);
                    out.println("Lineage Ledger stopped");
                  } catch (Exception e) {
                    err.println("lineage: shutdown did not complete cleanly: " + describe(e));
                  }
                },
                "lineage-shutdown"));
    return KEEP_RUNNING;
  }

  private static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder(String.valueOf(t.getMessage()));
    for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
      if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
        sb.append(": ").append(c.getMessage());
      }
      t = c;
    }
    return sb.toString();
  }

  private int rebuildGraph(Optional<Path> config) {
    Settings settings = Settings.load(config, env);
    try (Database db = Database.openForTool(settings.database())) {
      long started = System.nanoTime();
      long n =
          io.lineageledger.graph.LineageGraph.rebuild(
              db.dataSource(), io.lineageledger.graph.Extractors.standard(), clock);
      out.printf(
          "Rebuilt the lineage graph from %d journal records in %.1f s%n",
          n, (System.nanoTime() - started) / 1e9);
      return 0;
    } catch (java.sql.SQLException e) {
      err.println("lineage: database error: " + e.getMessage());
      return 1;
    }
  }

  private int keys(Optional<Path> config, Deque<String> args) throws RuntimeException {
    if (args.isEmpty()) {
      return usage("keys needs a subcommand: create, list or revoke");
    }
    String sub = args.pop();
    Map<String, String> opts = new java.util.HashMap<>();
    Deque<String> positional = new ArrayDeque<>();
    while (!args.isEmpty()) {
      String a = args.pop();
      if (a.startsWith("--")) {
        if (args.isEmpty()) {
          return usage(a + " needs a value");
        }
        opts.put(a.substring(2), args.pop());
      } else {
        positional.add(a);
      }
    }
    Settings settings = Settings.load(config, env);
    try (Database db = Database.openForTool(settings.database())) {
      ApiKeys keys = new ApiKeys(db.dataSource(), clock);
      String by = "cli:" + env.getOrDefault("USER", "unknown");
      switch (sub) {
        case "create" -> {
          if (!opts.containsKey("role") || !opts.containsKey("name")) {
            return usage("keys create needs --role and --name");
          }
          var created = keys.create(opts.get("name"), Role.parse(opts.get("role")), by);
          out.println(
              "Created key "
                  + created.info().id()
                  + " '"
                  + created.info().name()
                  + "' with role "
                  + created.info().role().wire());
          out.println("Key (shown once; store it now): " + created.key().reveal());
          return 0;
        }
        case "list" -> {
          out.printf("%-36s  %-20s  %-9s  %-24s  %s%n", "ID", "NAME", "ROLE", "CREATED", "REVOKED");
          for (var k : keys.list()) {
            out.printf(
                "%-36s  %-20s  %-9s  %-24s  %s%n",
                k.id(),
                k.name(),
                k.role().wire(),
                k.createdAt(),
                k.revokedAt() == null ? "-" : k.revokedAt());
          }
          return 0;
        }
        case "revoke" -> {
          if (positional.isEmpty()) {
            return usage("keys revoke needs a key id or name");
          }
          var revoked = keys.revoke(positional.pop(), by);
          if (revoked.isEmpty()) {
            err.println("lineage: no active key with that id or name");
            return 1;
          }
          out.println("Revoked key " + revoked.get().id() + " '" + revoked.get().name() + "'");
          return 0;
        }
        default -> {
          return usage("unknown keys subcommand '" + sub + "'");
        }
      }
    } catch (java.sql.SQLException e) {
      err.println("lineage: database error: " + e.getMessage());
      return 1;
    }
  }

  private int verifyOffline(String command, Deque<String> args) {
    String key = null;
    List<Path> files = new ArrayList<>();
    while (!args.isEmpty()) {
      String a = args.pop();
      if (a.equals("--key")) {
        if (args.isEmpty()) {
          return usage("--key needs the log's verifier key");
        }
        key = args.pop();
      } else {
        files.add(Path.of(a));
      }
    }
    boolean answer = command.equals("verify") && files.size() == 1;
    if (key == null || (files.size() != 3 && !answer)) {
      return usage(
          command
              + " needs --key and three files"
              + (command.equals("verify") ? " (or one: a proofs=true answer)" : ""));
    }
    OfflineVerifier v = new OfflineVerifier(out);
    try {
      boolean ok =
          answer
              ? v.verifyAnswer(files.get(0), key)
              : command.equals("verify")
                  ? v.verifyRecord(files.get(0), files.get(1), files.get(2), key)
                  : v.verifyConsistency(files.get(0), files.get(1), files.get(2), key);
      out.println(ok ? "VERIFIED" : "NOT VERIFIED");
      return ok ? 0 : 1;
    } catch (java.io.IOException | RuntimeException e) {
      err.println("lineage: " + command + ": cannot read the inputs: " + e.getMessage());
      return 1;
    }
  }

  private int printConfig(Optional<Path> config) {
    Settings.load(config, env); // validates; an invalid value ends here with its message
    Settings.resolve(config, env)
        .forEach(
            (k, v) ->
                out.printf(
                    "%-26s %-40s (%s)%n",
                    k.key,
                    k.secret ? (v.value().isEmpty() ? "" : "(hidden)") : v.value(),
                    v.source()));
    return 0;
  }
}
