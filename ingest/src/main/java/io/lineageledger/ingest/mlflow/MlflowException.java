package io.lineageledger.ingest.mlflow;

/**
 * A call to MLflow that did not give a usable answer. {@link Kind#UNAVAILABLE} (unreachable, 429,
 * 5xx, timeout) is worth retrying as is; {@link Kind#BAD_ANSWER} (an answer that is not what the
 * REST path documents) needs someone to look; {@link Kind#NOT_FOUND} is MLflow saying the entity
 * does not exist.
 */
final class MlflowException extends Exception {
  private static final long serialVersionUID = 1L;

  enum Kind {
    UNAVAILABLE,
    NOT_FOUND,
    BAD_ANSWER
  }

  final Kind kind;
  final int status;

  MlflowException(Kind kind, int status, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.status = status;
  }

  static Kind kindOfStatus(int status) {
    if (status == 404) {
      return Kind.NOT_FOUND;
    }
    return status == 429 || status >= 500 ? Kind.UNAVAILABLE : Kind.BAD_ANSWER;
  }
}
