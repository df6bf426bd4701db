package io.lineageledger.ingest.mlflow;

/** A verified delivery whose body is not an MLflow event; retrying cannot help. */
final class BadDeliveryException extends Exception {
  private static final long serialVersionUID = 1L;

  BadDeliveryException(String message) {
    super(message);
  }
}
