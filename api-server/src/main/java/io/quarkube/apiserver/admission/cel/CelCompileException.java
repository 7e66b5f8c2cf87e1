package io.quarkube.apiserver.admission.cel;

/** An expression that does not compile; the message is upstream's field error detail. */
public final class CelCompileException extends Exception {
  public CelCompileException(String message) {
    super(message, null, false, false);
  }
}
