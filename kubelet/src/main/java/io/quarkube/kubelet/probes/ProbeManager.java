package io.quarkube.kubelet.probes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.kubelet.pod.ContainerFieldPaths;
import io.quarkube.kubelet.runtime.ContainerInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Liveness, readiness and startup probes: one periodic worker per running container and probe kind (keyed by the
 * container's runtime ID, so a restarted container starts over), with upstream's thresholds and initial delay. A change
 * of a result asks for a sync of the pod; each failure is an Unhealthy event.
 */
public final class ProbeManager {
  public enum Kind {
    LIVENESS("Liveness"),
    READINESS("Readiness"),
    STARTUP("Startup");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** A probe's current verdict; readiness starts as FAILURE, liveness as SUCCESS, startup as UNKNOWN. */
  public enum Result {
    SUCCESS,
    FAILURE,
    UNKNOWN
  }

  private final ProbeRunner runner;
  private final ScheduledExecutorService scheduler;
  private final EventRecorder events;
  private final Consumer<String> requeuePod;
  private final Map<String, Worker> workers = new ConcurrentHashMap<>();
  private final Map<String, Result> results = new ConcurrentHashMap<>();

  public ProbeManager(ProbeRunner runner, ScheduledExecutorService scheduler, EventRecorder events,
      Consumer<String> requeuePod) {
    this.runner = runner;
    this.scheduler = scheduler;
    this.events = events;
    this.requeuePod = requeuePod;
  }

  private static String key(String containerId, Kind kind) {
    return containerId + "/" + kind;
  }

  /** The current result of a probe of a container; containers without such a probe pass. */
  public Result result(String containerId, Kind kind, boolean hasProbe) {
    if (!hasProbe) {
      return Result.SUCCESS;
    }
    return results.getOrDefault(key(containerId, kind), switch (kind) {
      case LIVENESS -> Result.SUCCESS;
      case READINESS -> Result.FAILURE;
      case STARTUP -> Result.UNKNOWN;
    });
  }

  /** Starts workers for the pod's running containers that have probes, and stops those of containers gone. */
  public void sync(Pod pod, List<ContainerInfo> running, String podIp) {
    String uid = pod.getMetadata().getUid();
    Set<String> wanted = new HashSet<>();
    List<Container> specs = new ArrayList<>(pod.getSpec().getContainers());
    if (pod.getSpec().getInitContainers() != null) {
      // sidecars (init containers that keep running) are probed too
      pod.getSpec().getInitContainers().stream().filter(c -> "Always".equals(c.getRestartPolicy()))
          .forEach(specs::add);
    }
    for (ContainerInfo info : running) {
      Container spec = specs.stream().filter(c -> c.getName().equals(info.name())).findFirst().orElse(null);
      if (spec == null) {
        continue;
      }
      for (Kind kind : Kind.values()) {
        Probe probe = probe(spec, kind);
        if (probe == null) {
          continue;
        }
        String key = key(info.id(), kind);
        wanted.add(key);
        workers.computeIfAbsent(key, k -> new Worker(k, uid, pod, spec, info.id(), kind, probe, podIp).start());
      }
    }
    for (Map.Entry<String, Worker> e : workers.entrySet()) {
      if (e.getValue().podUid.equals(uid) && !wanted.contains(e.getKey())) {
        e.getValue().stop();
      }
    }
  }

  /** Stops every worker of the pod and forgets its results. */
  public void remove(String podUid) {
    for (Worker w : List.copyOf(workers.values())) {
      if (w.podUid.equals(podUid)) {
        w.stop();
      }
    }
  }

  public static Probe probe(Container c, Kind kind) {
    return switch (kind) {
      case LIVENESS -> c.getLivenessProbe();
      case READINESS -> c.getReadinessProbe();
      case STARTUP -> c.getStartupProbe();
    };
  }

  private final class Worker implements Runnable {
    final String key;
    final String podUid;
    final Pod pod;
    final Container container;
    final String containerId;
    final Kind kind;
    final Probe probe;
    final String podIp;
    int successes;
    int failures;
    volatile ScheduledFuture<?> future;

    Worker(String key, String podUid, Pod pod, Container container, String containerId, Kind kind, Probe probe,
        String podIp) {
      this.key = key;
      this.podUid = podUid;
      this.pod = pod;
      this.container = container;
      this.containerId = containerId;
      this.kind = kind;
      this.probe = probe;
      this.podIp = podIp;
    }

    Worker start() {
      long delay = probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds();
      long period = probe.getPeriodSeconds() == null || probe.getPeriodSeconds() < 1 ? 10 : probe.getPeriodSeconds();
      future = scheduler.scheduleWithFixedDelay(this, delay * 1000, period * 1000, TimeUnit.MILLISECONDS);
      return this;
    }

    void stop() {
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
      workers.remove(key, this);
      results.remove(key);
    }

    @Override
    public void run() {
      try {
        // Liveness and readiness wait until the startup probe (if any) has passed, as upstream.
        if (kind != Kind.STARTUP && container.getStartupProbe() != null
            && result(containerId, Kind.STARTUP, true) != Result.SUCCESS) {
          return;
        }
        if (kind == Kind.STARTUP && results.get(key) == Result.SUCCESS) {
          return; // a startup probe stops once it passed
        }
        ProbeRunner.Outcome outcome = runner.run(probe, container, containerId, podIp);
        int successThreshold = probe.getSuccessThreshold() == null ? 1 : probe.getSuccessThreshold();
        int failureThreshold = probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold();
        Result before = results.get(key);
        Result now = before;
        if (outcome.success()) {
          failures = 0;
          successes++;
          if (successes >= successThreshold || before == null && kind != Kind.READINESS) {
            now = Result.SUCCESS;
          }
        } else {
          successes = 0;
          failures++;
          events.event(pod, ContainerFieldPaths.of(pod, container.getName()), "Warning", "Unhealthy",
              kind.label + " probe failed: " + outcome.output().strip());
          if (failures >= failureThreshold) {
            now = Result.FAILURE;
          }
        }
        if (now != null && now != before) {
          results.put(key, now);
          if (kind == Kind.LIVENESS && now == Result.FAILURE) {
            failures = 0; // the container is restarted; a new worker comes with the new one
          }
          requeuePod.accept(podUid);
        }
      } catch (RuntimeException e) {
        // a probe that throws counts as not run
      }
    }
  }
}
