package io.quarkube.conformance;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Supplier;

/**
 * Read-modify-write retried on 409 Conflict, as client-go's {@code retry.RetryOnConflict} in upstream's tests: a
 * controller or kubelet may write the object between the test's read and its update.
 */
public final class Conflicts {
  private Conflicts() {}

  /** Runs {@code readModifyWrite} (which reads the object afresh each time) until it does not conflict. */
  public static <T> T retry(Supplier<T> readModifyWrite) {
    for (int attempt = 0; ; attempt++) {
      try {
        return readModifyWrite.get();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }
}
