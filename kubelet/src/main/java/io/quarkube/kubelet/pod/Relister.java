package io.quarkube.kubelet.pod;

import io.quarkube.kubelet.runtime.ContainerInfo;
import io.quarkube.kubelet.runtime.PodRuntime;
import io.quarkube.kubelet.runtime.RuntimeInspector;
import io.quarkube.kubelet.runtime.SandboxInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Upstream's PLEG: containerd 1.6 sends no container events, so the runtime is listed every second and each pod whose
 * sandboxes or containers changed state (or that the runtime holds but the API server no longer has) is handed to the
 * workers.
 */
public final class Relister implements Runnable {
  private static final Logger LOG = Logger.getLogger(Relister.class);

  private final RuntimeInspector inspector;
  private final Consumer<String> changed;
  private final Supplier<Set<String>> wantedUids;
  private final Supplier<Boolean> ready;
  private Map<String, String> last = new HashMap<>();
  private volatile boolean healthy;
  private volatile long lastSuccessNanos = System.nanoTime();
  private volatile RuntimeCounts counts = new RuntimeCounts(0, Map.of());

  /**
   * What the last relist saw, for kubelet_running_pods (pods with a ready sandbox) and kubelet_running_containers
   * (containers by CRI state, upstream's label values created, running, exited, unknown).
   */
  public record RuntimeCounts(int runningPods, Map<String, Integer> containersByState) {}

  public Relister(RuntimeInspector inspector, Consumer<String> changed, Supplier<Set<String>> wantedUids,
      Supplier<Boolean> ready) {
    this.inspector = inspector;
    this.changed = changed;
    this.wantedUids = wantedUids;
    this.ready = ready;
  }

  @Override
  public void run() {
    if (!ready.get()) {
      return;
    }
    Map<String, PodRuntime> pods;
    try {
      pods = inspector.listAll();
    } catch (RuntimeException e) {
      if (healthy) {
        LOG.warnf("relisting the runtime failed: %s", e.getMessage());
      }
      healthy = false;
      return;
    }
    healthy = true;
    lastSuccessNanos = System.nanoTime();
    counts = count(pods.values());
    Set<String> wanted = wantedUids.get();
    Map<String, String> now = new HashMap<>();
    for (PodRuntime pod : pods.values()) {
      now.put(pod.podUid(), fingerprint(pod));
    }
    for (Map.Entry<String, String> e : now.entrySet()) {
      if (!e.getValue().equals(last.get(e.getKey())) || !wanted.contains(e.getKey())) {
        changed.accept(e.getKey());
      }
    }
    for (String uid : last.keySet()) {
      if (!now.containsKey(uid)) {
        changed.accept(uid);
      }
    }
    last = now;
  }

  private static RuntimeCounts count(java.util.Collection<PodRuntime> pods) {
    int running = 0;
    Map<String, Integer> byState = new HashMap<>();
    for (String state : new String[] {"created", "running", "exited", "unknown"}) {
      byState.put(state, 0);
    }
    for (PodRuntime pod : pods) {
      if (pod.readySandbox().isPresent()) {
        running++;
      }
      for (ContainerInfo c : pod.containers()) {
        String state = switch (c.state()) {
          case CONTAINER_CREATED -> "created";
          case CONTAINER_RUNNING -> "running";
          case CONTAINER_EXITED -> "exited";
          default -> "unknown";
        };
        byState.merge(state, 1, Integer::sum);
      }
    }
    return new RuntimeCounts(running, Map.copyOf(byState));
  }

  /** The counts of the last successful relist. */
  public RuntimeCounts counts() {
    return counts;
  }

  /** Whether the last relist reached the runtime (the node's Ready condition and /healthz follow it). */
  public boolean healthy() {
    return healthy;
  }

  public long nanosSinceLastSuccess() {
    return System.nanoTime() - lastSuccessNanos;
  }

  private static String fingerprint(PodRuntime pod) {
    StringBuilder sb = new StringBuilder();
    for (SandboxInfo s : pod.sandboxes()) {
      sb.append(s.id()).append(s.ready()).append(';');
    }
    for (ContainerInfo c : pod.containers()) {
      sb.append(c.id()).append(c.state()).append(';');
    }
    return sb.toString();
  }
}
