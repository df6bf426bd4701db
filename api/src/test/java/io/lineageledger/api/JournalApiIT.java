package io.lineageledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lineageledger.ledger.merkle.Hashes;
import io.lineageledger.ledger.merkle.ProofVerifier;
import io.lineageledger.ledger.note.Checkpoint;
import io.lineageledger.ledger.note.NoteVerifier;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JournalApiIT {
  static TestService service;
  static JournalClient client;
  static String ingestKey;
  static String auditorKey;

  @BeforeAll
  static void start() throws Exception {
    service =
        TestService.start(
            Map.of(
                "LINEAGE_LOG_SEQUENCE_INTERVAL_MILLIS",
                "20",
                "LINEAGE_LOG_CHECKPOINT_INTERVAL_MILLIS",
                "0"));
    client = JournalClient.of(service);
    ingestKey = client.ingestKey;
    auditorKey = client.auditorKey;
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  @Test
  void appendThenProve_proofVerifiesAgainstSignedCheckpoint() throws Exception {
    long id = client.append("p-1", "a");
    JsonObject proof = client.awaitProof(id);
    JsonObject cp = proof.getJsonObject("checkpoint");

    HttpResponse<String> latest = service.get("/api/v1/checkpoints/latest", auditorKey);
    String vkey = new JsonObject(latest.body()).getString("verifierKey");
    Checkpoint verified = NoteVerifier.fromVerifierKey(vkey).verifyCheckpoint(cp.getString("note"));
    assertThat(Base64.getEncoder().encodeToString(verified.rootHash()))
        .isEqualTo(cp.getString("root"));

    JsonObject rec = new JsonObject(service.get("/api/v1/records/" + id, auditorKey).body());
    byte[] canonical = Base64.getDecoder().decode(rec.getString("canonical"));
    byte[] leafHash = Hashes.leafHash(canonical);
    assertThat(Base64.getEncoder().encodeToString(leafHash)).isEqualTo(rec.getString("leafHash"));
    ProofVerifier.verifyInclusion(
        proof.getLong("leafIndex"),
        verified.size(),
        leafHash,
        JournalClient.hashes(proof.getJsonArray("hashes")),
        verified.rootHash());
  }

  @Test
  void append_sameAgain_200SameId_differentContent_409() throws Exception {
    long id = client.append("idem-api", "a");
    HttpResponse<String> again =
        service.send("POST", "/api/v1/records", ingestKey, JournalClient.record("idem-api", "a"));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(again.body()).getLong("id")).isEqualTo(id);
    HttpResponse<String> conflict =
        service.send("POST", "/api/v1/records", ingestKey, JournalClient.record("idem-api", "b"));
    assertThat(conflict.statusCode()).isEqualTo(409);
    JsonObject p = new JsonObject(conflict.body());
    assertThat(p.getString("type")).endsWith("record-conflict");
    long evidence = p.getLong("conflictRecordId");
    assertThat(service.get("/api/v1/records/" + evidence, auditorKey).body())
        .contains("journal.conflict");
  }

  @Test
  void consistency_betweenTwoCheckpoints_verifies() throws Exception {
    JsonObject first = client.awaitProof(client.append("c-1", "a")).getJsonObject("checkpoint");
    client.append("c-2", "b");
    JsonObject second = client.awaitProof(client.append("c-3", "c")).getJsonObject("checkpoint");
    HttpResponse<String> r =
        service.get(
            "/api/v1/proofs/consistency?from="
                + first.getLong("size")
                + "&to="
                + second.getLong("size"),
            auditorKey);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    ProofVerifier.verifyConsistency(
        first.getLong("size"),
        second.getLong("size"),
        Base64.getDecoder().decode(first.getString("root")),
        Base64.getDecoder().decode(second.getString("root")),
        JournalClient.hashes(new JsonObject(r.body()).getJsonArray("hashes")));
  }

  @Test
  void logEndpoints_checkpointAndTiles_servedToReaders() throws Exception {
    client.awaitProof(client.append("t-1", "a"));
    HttpResponse<String> cp = service.get("/log/checkpoint", auditorKey);
    assertThat(cp.statusCode()).isEqualTo(200);
    assertThat(cp.body()).contains("\n\n\u2014 ");
    assertThat(service.get("/log/checkpoint", null).statusCode()).isEqualTo(401);
    HttpResponse<String> tile = service.get("/log/tile/0/000.p/1", auditorKey);
    assertThat(tile.statusCode()).isEqualTo(200);
    assertThat(tile.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
    assertThat(service.get("/log/tile/0/x000/000.p/1", auditorKey).statusCode())
        .as("non-canonical path")
        .isEqualTo(404);
    assertThat(service.get("/log/tile/entries/000.p/1", auditorKey).statusCode()).isEqualTo(200);
    assertThat(service.get("/log/tile/0/001", auditorKey).statusCode()).isEqualTo(404);
  }

  @Test
  void verify_untouchedJournal_streamsOkSummary() throws Exception {
    client.awaitProof(client.append("v-1", "a"));
    HttpResponse<String> r = service.get("/api/v1/verify", auditorKey);
    assertThat(r.statusCode()).isEqualTo(200);
    String[] lines = r.body().split("\n");
    JsonObject summary = new JsonObject(lines[lines.length - 1]);
    assertThat(summary.getString("type")).isEqualTo("summary");
    assertThat(summary.getBoolean("ok")).as(r.body()).isTrue();
    assertThat(summary.getLong("leaves")).isPositive();
    assertThat(service.get("/api/v1/verify", ingestKey).statusCode()).isEqualTo(403);
  }

  @Test
  void health_reportsJournalStep() throws Exception {
    JsonObject h = new JsonObject(service.get("/health", null).body());
    assertThat(h.getJsonObject("checks").getJsonObject("journal").getString("status"))
        .isEqualTo("UP");
  }

  @Test
  void signingKey_fileIs0600_andNeverInAnswersOrOutput() throws Exception {
    client.awaitProof(client.append("k-1", "a"));
    java.nio.file.Path keyFile = service.dataDir.resolve("keys").resolve("checkpoint.key");
    assertThat(java.nio.file.Files.getPosixFilePermissions(keyFile))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    String secret = java.nio.file.Files.readString(keyFile).trim();
    assertThat(secret).startsWith("PRIVATE+KEY+");
    for (String path :
        List.of("/health", "/api/v1/checkpoints/latest", "/log/checkpoint", "/metrics")) {
      assertThat(service.get(path, auditorKey).body())
          .doesNotContain("PRIVATE+KEY")
          .doesNotContain(secret);
    }
    assertThat(service.stdout.toString(java.nio.charset.StandardCharsets.UTF_8))
        .doesNotContain("PRIVATE+KEY");
  }

  @Test
  void verifyConsistencyCli_savedAnswers_exit0() throws Exception {
    JsonObject first = client.awaitProof(client.append("cc-1", "a")).getJsonObject("checkpoint");
    JsonObject second = client.awaitProof(client.append("cc-2", "b")).getJsonObject("checkpoint");
    String vkey =
        new JsonObject(service.get("/api/v1/checkpoints/latest", auditorKey).body())
            .getString("verifierKey");
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cc");
    java.nio.file.Path a =
        java.nio.file.Files.writeString(dir.resolve("a.txt"), first.getString("note"));
    java.nio.file.Path b =
        java.nio.file.Files.writeString(dir.resolve("b.txt"), second.getString("note"));
    java.nio.file.Path p =
        java.nio.file.Files.writeString(
            dir.resolve("p.json"),
            service
                .get(
                    "/api/v1/proofs/consistency?from="
                        + first.getLong("size")
                        + "&to="
                        + second.getLong("size"),
                    auditorKey)
                .body());
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream ps =
        new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
    int code =
        new Cli(ps, ps, Map.of(), java.time.Clock.systemUTC())
            .run(
                new String[] {
                  "verify-consistency", a.toString(), b.toString(), p.toString(), "--key", vkey
                });
    assertThat(code).as(out.toString(java.nio.charset.StandardCharsets.UTF_8)).isZero();
    // The same proof does not show the older checkpoint extends a different (wrong) key's log.
    int wrongKey =
        new Cli(ps, ps, Map.of(), java.time.Clock.systemUTC())
            .run(
                new String[] {
                  "verify-consistency",
                  a.toString(),
                  b.toString(),
                  p.toString(),
                  "--key",
                  io.lineageledger.ledger.note.NoteSigner.generate(vkey.split("\\+")[0]).vkey()
                });
    assertThat(wrongKey).isEqualTo(1);
  }
}
