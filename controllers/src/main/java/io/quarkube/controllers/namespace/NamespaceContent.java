package io.quarkube.controllers.namespace;

import java.util.List;
import java.util.Map;

/** The objects inside a namespace, of every namespaced kind the API serves (found by discovery). */
public interface NamespaceContent {
  /**
   * Deletes every object in {@code namespace}, then counts what is left.
   *
   * @return what remains (objects still there, e.g. waiting for finalizers or graceful deletion) and what failed
   */
  Result deleteAll(String namespace);

  /** Removes the {@code kubernetes} finalizer ({@code PUT /api/v1/namespaces/<n>/finalize}). */
  void finalizeNamespace(io.fabric8.kubernetes.api.model.Namespace namespace);

  /**
   * @param remaining objects left per resource ({@code pods}, {@code deployments.apps}, ...)
   * @param finalizersRemaining finalizers of the remaining objects, with how many objects carry each
   * @param discoveryFailure non-null when discovery failed (content may have been missed)
   * @param deleteFailures resources whose list/delete failed, with the error
   */
  record Result(Map<String, Integer> remaining, Map<String, Integer> finalizersRemaining, String discoveryFailure,
      List<String> deleteFailures) {

    public int remainingCount() {
      return remaining.values().stream().mapToInt(Integer::intValue).sum();
    }

    public boolean done() {
      return remainingCount() == 0 && discoveryFailure == null && deleteFailures.isEmpty();
    }
  }
}
