package io.quarkube.scheduler.framework.runtime;

import io.quarkube.scheduler.framework.Status;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Pods held at Permit: each waits until every waiting plugin allows it, one rejects it, or its timeout passes. */
public final class WaitingPods {
  /** One pod waiting on some plugins. */
  public static final class WaitingPod {
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Status> result = new CompletableFuture<>();
    private final Duration timeout;

    WaitingPod(Set<String> plugins, Duration timeout) {
      pending.addAll(plugins);
      this.timeout = timeout;
    }

    public void allow(String plugin) {
      pending.remove(plugin);
      if (pending.isEmpty()) {
        result.complete(Status.SUCCESS);
      }
    }

    public void reject(String plugin, String message) {
      result.complete(Status.unschedulable(message).withPlugin(plugin));
    }
  }

  private final Map<String, WaitingPod> pods = new ConcurrentHashMap<>();

  public WaitingPod add(String podKey, Set<String> plugins, Duration timeout) {
    WaitingPod w = new WaitingPod(plugins, timeout);
    pods.put(podKey, w);
    return w;
  }

  public WaitingPod get(String podKey) {
    return pods.get(podKey);
  }

  /** Blocks the binding cycle until the pod is allowed, rejected or timed out. SUCCESS when not waiting. */
  public Status await(String podKey) {
    WaitingPod w = pods.get(podKey);
    if (w == null) {
      return Status.SUCCESS;
    }
    try {
      return w.result.get(w.timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return Status.unschedulable("rejected due to timeout after waiting " + w.timeout.toSeconds() + "s at plugin "
          + String.join(",", w.pending));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Status.error(e);
    } catch (ExecutionException e) {
      return Status.error(e.getCause());
    } finally {
      pods.remove(podKey);
    }
  }
}
