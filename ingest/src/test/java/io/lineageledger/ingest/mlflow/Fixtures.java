package io.lineageledger.ingest.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Answers and webhook deliveries recorded from a real MLflow server (see mlflow/README.md in the
 * test resources): the shapes test fakes must reproduce.
 */
public final class Fixtures {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Fixtures() {}

  public static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/mlflow/" + name)) {
      if (in == null) {
        throw new IllegalStateException("test resource mlflow/" + name + " is missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode json(String name) {
    try {
      return MAPPER.readTree(bytes(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A recorded webhook delivery: headers in order and the exact body bytes. */
  public record RecordedDelivery(List<Map.Entry<String, String>> headers, byte[] body) {
    public String header(String name) {
      return headers.stream()
          .filter(h -> h.getKey().equalsIgnoreCase(name))
          .map(Map.Entry::getValue)
          .findFirst()
          .orElseThrow();
    }
  }

  public static RecordedDelivery delivery(String name) {
    JsonNode d = json(name);
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (JsonNode h : d.get("headers")) {
      headers.add(new AbstractMap.SimpleEntry<>(h.get(0).asText(), h.get(1).asText()));
    }
    return new RecordedDelivery(
        headers, d.get("body_raw").asText().getBytes(StandardCharsets.UTF_8));
  }

  public static final String MODEL_VERSION_CREATED =
      "webhook-delivery-model_version.created-002.json";
  public static final String ALIAS_CREATED =
      "webhook-delivery-model_version_alias.created-004.json";

  /** The webhook secret the recorded server was configured with. */
  public static final String RECORDED_SECRET = "test-secret";
}
