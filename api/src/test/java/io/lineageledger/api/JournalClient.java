package io.lineageledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lineageledger.platform.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Journal calls against a {@link TestService}, with an ingest and an auditor key of its own. */
final class JournalClient {
  final TestService service;
  final String ingestKey;
  final String auditorKey;

  private JournalClient(TestService service, String ingestKey, String auditorKey) {
    this.service = service;
    this.ingestKey = ingestKey;
    this.auditorKey = auditorKey;
  }

  static JournalClient of(TestService service) throws Exception {
    String suffix = Long.toString(System.nanoTime());
    return new JournalClient(
        service,
        createKey(service, "ingest" + suffix, "ingest"),
        createKey(service, "audit" + suffix, "auditor"));
  }

  static String createKey(TestService service, String name, String role) throws Exception {
    HttpResponse<String> r =
        service.send(
            "POST",
            "/api/v1/admin/keys",
            service.adminKey,
            "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body()).getString("key");
  }

  static String record(String ref, String value) {
    return new JsonObject()
        .put("source", "test")
        .put("kind", "test.fact")
        .put("sourceRef", ref)
        .put("observedAt", "2026-11-25T10:00:00Z")
        .put("subjects", new JsonArray().add("dataset:" + ref))
        .put("payload", new JsonObject().put("value", value))
        .encode();
  }

  long append(String ref, String value) throws Exception {
    HttpResponse<String> r = service.send("POST", "/api/v1/records", ingestKey, record(ref, value));
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    return new JsonObject(r.body()).getLong("id");
  }

  JsonObject awaitProof(long id) {
    JsonObject[] proof = new JsonObject[1];
    Await.until(
        Duration.ofSeconds(20),
        "an inclusion proof for record " + id,
        () -> {
          HttpResponse<String> r = service.get("/api/v1/records/" + id + "/proof", auditorKey);
          if (r.statusCode() == 200) {
            proof[0] = new JsonObject(r.body());
            return true;
          }
          return false;
        });
    return proof[0];
  }

  static List<byte[]> hashes(JsonArray a) {
    List<byte[]> out = new ArrayList<>();
    a.forEach(h -> out.add(Base64.getDecoder().decode((String) h)));
    return out;
  }
}
