package io.lineageledger.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks that a JSON request body is well formed before contract validation, so a client learns
 * where its document broke (line, column, byte offset) rather than only that it is invalid.
 */
final class JsonBodies {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonBodies() {}

  static void requireWellFormed(RoutingContext rc) {
    var body = rc.body();
    if (body == null || body.length() == 0) {
      rc.next();
      return;
    }
    try {
      MAPPER.readTree(body.buffer().getBytes());
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      Map<String, Object> where = new LinkedHashMap<>();
      String position = "";
      if (at != null) {
        where.put("line", at.getLineNr());
        where.put("column", at.getColumnNr());
        where.put("offset", at.getByteOffset());
        position = " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      }
      rc.fail(
          new ApiProblem(
              400,
              "malformed-json",
              "Malformed JSON",
              "the request body is not valid JSON" + position + ": " + e.getOriginalMessage(),
              where,
              null));
      return;
    } catch (IOException e) {
      rc.fail(ApiProblem.badRequest("malformed-json", "the request body cannot be read: " + e));
      return;
    }
    rc.next();
  }

  static JsonObject object(RoutingContext rc) {
    return rc.body().asJsonObject();
  }
}
