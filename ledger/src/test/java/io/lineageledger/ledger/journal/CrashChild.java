package io.lineageledger.ledger.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lineageledger.ledger.note.NoteSigner;
import io.lineageledger.platform.Database;
import io.lineageledger.platform.DatabaseSettings;
import io.lineageledger.platform.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The process {@link CrashSafetyIT} kills: appends records forever, printing {@code ACK <ref> <id>}
 * only after {@code appendAll} returned (the moment a client is told "accepted"), while a second
 * thread sequences and checkpoints.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String prefix = args[1];
    Path keyFile = Path.of(args[2]);
    Database db =
        Database.open(
            new DatabaseSettings(
                Optional.of(url),
                "postgres",
                Secret.of(""),
                4,
                Files.createTempDirectory("crash"),
                0));
    NoteSigner signer = SigningKeys.loadOrCreate(keyFile, Optional.of("crash.test/log"));
    TransparencyLog log =
        new TransparencyLog(db.dataSource(), signer, Clock.systemUTC(), 37, Duration.ZERO);
    Thread sequencer =
        new Thread(
            () -> {
              while (true) {
                try {
                  log.step();
                } catch (Exception e) {
                  System.out.println("STEP-ERROR " + e);
                }
              }
            });
    sequencer.setDaemon(true);
    sequencer.start();
    ObjectMapper json = new ObjectMapper();
    for (int n = 0; ; n += 10) {
      List<Record> batch = new ArrayList<>();
      for (int i = n; i < n + 10; i++) {
        batch.add(
            Record.of(
                "crash",
                "test.crash",
                prefix + i,
                Instant.EPOCH,
                List.of(),
                json.createObjectNode().put("i", i)));
      }
      List<AppendResult> results = log.journal().appendAll(batch);
      StringBuilder acks = new StringBuilder();
      for (int i = 0; i < batch.size(); i++) {
        acks.append("ACK ")
            .append(batch.get(i).sourceRef())
            .append(' ')
            .append(results.get(i).id())
            .append('\n');
      }
      System.out.print(acks);
      System.out.flush();
    }
  }
}
