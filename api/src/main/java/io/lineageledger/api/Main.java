package io.lineageledger.api;

import java.time.Clock;

/** Entry point of {@code ./lineage}: the service and its command-line tools. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code = new Cli(System.out, System.err, System.getenv(), Clock.systemUTC()).run(args);
    if (code != Cli.KEEP_RUNNING) {
      System.exit(code);
    }
  }
}
