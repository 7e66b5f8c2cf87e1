package io.quarkube.apiserver.registry;

/**
 * The parts of {@code metav1.DeleteOptions} the store acts on. {@code propagationPolicy} is one of Orphan,
 * Background, Foreground, or null for the resource's default.
 */
public record DeleteOptions(Long gracePeriodSeconds, String propagationPolicy, String preconditionUid,
    String preconditionResourceVersion, boolean dryRun) {

  public static DeleteOptions defaults() {
    return new DeleteOptions(null, null, null, null, false);
  }
}
