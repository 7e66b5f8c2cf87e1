package io.quarkube.controllers.serviceaccount;

import io.fabric8.kubernetes.api.model.Namespace;

/** Namespace state checks shared by the per-namespace controllers. */
final class Namespaces {
  private Namespaces() {}

  /** Active: not being deleted (objects can no longer be created in a terminating namespace). */
  static boolean isActive(Namespace ns) {
    return ns != null && ns.getMetadata().getDeletionTimestamp() == null
        && (ns.getStatus() == null || !"Terminating".equals(ns.getStatus().getPhase()));
  }
}
