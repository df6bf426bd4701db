package io.lineageledger.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request failure that becomes an RFC 9457 problem document. Thrown (or passed to {@code
 * rc.fail}) anywhere in a route; {@link Problems} renders it, and only there.
 */
final class ApiProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final String type;
  final String title;
  final transient Map<String, Object> extensions;

  ApiProblem(
      int status,
      String type,
      String title,
      String detail,
      Map<String, Object> extensions,
      Throwable cause) {
    super(detail, cause);
    this.status = status;
    this.type = type;
    this.title = title;
    this.extensions = new LinkedHashMap<>(extensions);
  }

  static ApiProblem badRequest(String type, String detail) {
    return new ApiProblem(400, type, "Bad request", detail, Map.of(), null);
  }

  static ApiProblem notFound(String detail) {
    return new ApiProblem(404, "not-found", "Not found", detail, Map.of(), null);
  }

  static ApiProblem conflict(String detail, Throwable cause) {
    return new ApiProblem(409, "conflict", "Conflict", detail, Map.of(), cause);
  }
}
