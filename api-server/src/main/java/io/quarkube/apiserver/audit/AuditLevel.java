package io.quarkube.apiserver.audit;

/** How much of a request an audit event records (audit.k8s.io/v1 {@code Level}), in increasing order. */
public enum AuditLevel {
  None, Metadata, Request, RequestResponse;

  public boolean atLeast(AuditLevel other) {
    return compareTo(other) >= 0;
  }
}
