package io.lineageledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutesTest {
  @Test
  void table_andOpenApiDocument_declareTheSameOperations() {
    var table =
        Routes.table(
            new Routes.Handlers(
                new Health(null, null, null, Duration.ofSeconds(1)),
                new AdminHandlers(null, null, null),
                new LogHandlers(null, null),
                new GraphHandlers(null, null, null, List.of(), List.of()),
                Buffer.buffer(),
                false,
                new MlflowHandlers(null, null, null, null)));
    Set<String> fromTable = new HashSet<>();
    table.forEach(e -> fromTable.add(e.method().name() + " " + e.path() + " " + e.operationId()));

    JsonObject paths =
        ApiVerticle.requestContract(ApiVerticle.openApiText()).getJsonObject("paths");
    Set<String> fromDoc = new HashSet<>();
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        fromDoc.add(
            method.toUpperCase(Locale.ROOT)
                + " "
                + path
                + " "
                + item.getJsonObject(method).getString("operationId"));
      }
    }
    assertThat(fromTable).isEqualTo(fromDoc);
  }

  @Test
  void table_everyApiRoute_requiresARole() {
    var table =
        Routes.table(
            new Routes.Handlers(
                new Health(null, null, null, Duration.ofSeconds(1)),
                new AdminHandlers(null, null, null),
                new LogHandlers(null, null),
                new GraphHandlers(null, null, null, List.of(), List.of()),
                Buffer.buffer(),
                false,
                new MlflowHandlers(null, null, null, null)));
    table.stream()
        .filter(e -> e.path().startsWith("/api/"))
        .forEach(e -> assertThat(e.isPublic()).as(e.path()).isFalse());
  }

  @Test
  void vertxPath_openApiTemplate_becomesColonParameters() {
    Endpoint e =
        new Endpoint(
            io.vertx.core.http.HttpMethod.GET, "/a/{id}/b/{name}", "op", Set.of(), false, rc -> {});
    assertThat(e.vertxPath()).isEqualTo("/a/:id/b/:name");
  }
}
