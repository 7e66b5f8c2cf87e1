package io.quarkube.kubelet.runtime;

import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkube.client.controller.SharedInformers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The CRI runtime handler of a pod's {@code spec.runtimeClassName}, as upstream's kubelet runtimeclass manager: the
 * RuntimeClasses come from an informer (few objects, rarely changed), the handler is passed with the sandbox to
 * containerd, which runs the pod with the runtime of that name in its configuration ({@code runc} here).
 */
public final class RuntimeClassHandlers implements AutoCloseable {
  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);

  /** A pod names a RuntimeClass that does not exist (or cannot be read): its sandbox cannot be made. */
  public static final class LookupException extends RuntimeException {
    public LookupException(String message) {
      super(message);
    }
  }

  private final Function<String, RuntimeClass> lookup;
  private final BooleanSupplier synced;
  private final Runnable stop;

  private RuntimeClassHandlers(Function<String, RuntimeClass> lookup, BooleanSupplier synced, Runnable stop) {
    this.lookup = lookup;
    this.synced = synced;
    this.stop = stop;
  }

  /** Starts the informer (the first list is awaited only when a pod names a RuntimeClass). */
  public static RuntimeClassHandlers watching(KubernetesClient client) {
    SharedIndexInformer<RuntimeClass> informer = client.resources(RuntimeClass.class).runnableInformer(0);
    SharedInformers.retrying(informer, "runtimeclasses");
    informer.start();
    return new RuntimeClassHandlers(name -> informer.getStore().getByKey(name), informer::hasSynced, informer::stop);
  }

  /** Lookups from a fixed function (tests), always synced. */
  static RuntimeClassHandlers of(Function<String, RuntimeClass> lookup) {
    return new RuntimeClassHandlers(lookup, () -> true, () -> {});
  }

  /**
   * The handler for {@code runtimeClassName}: empty for none (containerd's default runtime).
   *
   * @throws LookupException with upstream's message when the RuntimeClass does not exist or was not listed in time
   */
  public String handlerFor(String runtimeClassName) {
    if (runtimeClassName == null || runtimeClassName.isEmpty()) {
      return "";
    }
    long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
    while (!synced.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new LookupException("failed to lookup RuntimeClass " + runtimeClassName
            + ": timed out waiting for the runtimeclasses cache");
      }
      try {
        TimeUnit.MILLISECONDS.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LookupException("interrupted looking up RuntimeClass " + runtimeClassName);
      }
    }
    RuntimeClass rc = lookup.apply(runtimeClassName);
    if (rc == null) {
      // The API's NotFound text, which upstream's kubelet puts in its FailedCreatePodSandBox event.
      throw new LookupException("runtimeclass.node.k8s.io \"" + runtimeClassName + "\" not found");
    }
    return rc.getHandler() == null ? "" : rc.getHandler();
  }

  @Override
  public void close() {
    stop.run();
  }
}
