package io.quarkube.kubelet.pod;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.quarkube.kubelet.cgroups.QosClass;
import io.quarkube.kubelet.probes.ProbeManager;
import io.quarkube.kubelet.runtime.ContainerInfo;
import io.quarkube.kubelet.runtime.PodRuntime;
import io.quarkube.kubelet.runtime.SandboxInfo;
import io.quarkube.machinery.images.ImageNames;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Computes a pod's status from its spec, what the runtime holds and the probe results, with upstream's rules
 * (kubelet_pods.go generateAPIPodStatus, getPhase; status/generate.go for the conditions).
 */
public final class PodStatusBuilder {
  /** Plain Jackson: what the model's annotations say is written (no Fabric8 serialization, which loads every kind). */
  private static final ObjectMapper STATUS_JSON = new ObjectMapper();

  /** What the syncer knows besides the runtime: terminal messages and why containers wait. */
  public record Inputs(
      PodRuntime runtime,
      Map<String, ContainerWaiting> waiting,
      Function<ContainerInfo, String> terminationMessage,
      ProbeManager probes,
      String hostIp,
      Instant now) {}

  private PodStatusBuilder() {}

  public static String time(Instant instant) {
    return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  public static PodStatus build(Pod pod, Inputs in) {
    PodStatus old = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    PodStatus status = new PodStatus();
    Optional<SandboxInfo> sandbox = in.runtime().readySandbox();
    Optional<SandboxInfo> latestSandbox = in.runtime().latestSandbox();
    String sandboxId = latestSandbox.map(SandboxInfo::id).orElse(null);

    boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
    status.setHostIP(in.hostIp());
    status.setHostIPs(List.of(new HostIP(in.hostIp())));
    String podIp = hostNetwork ? in.hostIp() : sandbox.map(SandboxInfo::ip).filter(ip -> !ip.isEmpty()).orElse(null);
    // a finished or deleted pod keeps the IP it had (its sandbox is stopped by then)
    if (podIp == null && old.getPodIP() != null && (isTerminal(old.getPhase())
        || pod.getMetadata().getDeletionTimestamp() != null)) {
      podIp = old.getPodIP();
    }
    if (podIp != null) {
      status.setPodIP(podIp);
      status.setPodIPs(List.of(new PodIP(podIp)));
    }
    status.setStartTime(old.getStartTime() != null ? old.getStartTime() : time(in.now()));
    status.setQosClass(QosClass.of(pod).apiName());

    List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
    List<ContainerStatus> initStatuses = new ArrayList<>();
    for (Container c : inits) {
      initStatuses.add(containerStatus(pod, c, in, sandboxId, true, "PodInitializing"));
    }
    boolean initialized = true;
    List<String> incompleteInits = new ArrayList<>();
    for (int i = 0; i < inits.size(); i++) {
      Container c = inits.get(i);
      ContainerStatus s = initStatuses.get(i);
      boolean sidecar = "Always".equals(c.getRestartPolicy());
      boolean done = sidecar ? Boolean.TRUE.equals(s.getStarted())
          : s.getState().getTerminated() != null && s.getState().getTerminated().getExitCode() == 0;
      if (!done) {
        initialized = false;
        incompleteInits.add(c.getName());
      }
    }
    List<ContainerStatus> appStatuses = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      appStatuses.add(containerStatus(pod, c, in, sandboxId, false,
          initialized ? "ContainerCreating" : "PodInitializing"));
    }
    status.setInitContainerStatuses(initStatuses.isEmpty() ? null : initStatuses);
    status.setContainerStatuses(appStatuses);
    List<ContainerStatus> ephemeralStatuses = new ArrayList<>();
    for (var e : EphemeralContainerSpecs.of(pod)) {
      ContainerStatus s = containerStatus(pod, EphemeralContainerSpecs.asContainer(e), in, sandboxId, false,
          "ContainerCreating");
      s.setReady(false); // never part of the pod's readiness
      ephemeralStatuses.add(s);
    }
    status.setEphemeralContainerStatuses(ephemeralStatuses.isEmpty() ? null : ephemeralStatuses);

    String restartPolicy = pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
    status.setPhase(phase(pod, initStatuses, appStatuses, restartPolicy, initialized));

    List<String> unready = new ArrayList<>();
    for (ContainerStatus s : appStatuses) {
      if (!Boolean.TRUE.equals(s.getReady())) {
        unready.add(s.getName());
      }
    }
    for (int i = 0; i < inits.size(); i++) {
      if ("Always".equals(inits.get(i).getRestartPolicy()) && !Boolean.TRUE.equals(initStatuses.get(i).getReady())) {
        unready.add(inits.get(i).getName());
      }
    }
    boolean terminal = isTerminal(status.getPhase());
    List<PodCondition> conditions = new ArrayList<>();
    conditions.add(condition(old, "PodReadyToStartContainers", sandbox.isPresent() && !terminal, null, null, in));
    conditions.add(condition(old, "Initialized", initialized, initialized ? null : "ContainersNotInitialized",
        initialized ? null : "containers with incomplete status: " + brackets(incompleteInits), in));
    boolean containersReady = unready.isEmpty() && !terminal;
    String notReadyMessage = "containers with unready status: " + brackets(unready);
    conditions.add(condition(old, "ContainersReady", containersReady, containersReady ? null
        : terminal ? "PodCompleted" : "ContainersNotReady", containersReady || terminal ? null : notReadyMessage, in));
    List<String> gatesNotReady = readinessGatesNotReady(pod, old);
    boolean ready = containersReady && gatesNotReady.isEmpty();
    String readyReason = ready ? null : terminal ? "PodCompleted"
        : !containersReady ? "ContainersNotReady" : "ReadinessGatesNotReady";
    String readyMessage = ready || terminal ? null : !containersReady ? notReadyMessage
        : "corresponding condition of pod readiness gate " + brackets(gatesNotReady) + " does not exist.";
    conditions.add(condition(old, "Ready", ready, readyReason, readyMessage, in));
    // Conditions owned by others (PodScheduled, DisruptionTarget, readiness gates) are kept as they are.
    if (old.getConditions() != null) {
      for (PodCondition c : old.getConditions()) {
        if (conditions.stream().noneMatch(x -> x.getType().equals(c.getType()))) {
          conditions.add(c);
        }
      }
    }
    conditions.sort(java.util.Comparator.comparingInt(c -> order(c.getType())));
    status.setConditions(conditions);
    status.setNominatedNodeName(old.getNominatedNodeName());
    status.setMessage(old.getMessage());
    status.setReason(old.getReason());
    return status;
  }

  private static int order(String type) {
    return switch (type) {
      case "PodReadyToStartContainers" -> 0;
      case "Initialized" -> 1;
      case "Ready" -> 2;
      case "ContainersReady" -> 3;
      case "PodScheduled" -> 4;
      default -> 5;
    };
  }

  private static List<String> readinessGatesNotReady(Pod pod, PodStatus old) {
    List<String> notReady = new ArrayList<>();
    if (pod.getSpec().getReadinessGates() == null) {
      return notReady;
    }
    for (PodReadinessGate gate : pod.getSpec().getReadinessGates()) {
      boolean ok = old.getConditions() != null && old.getConditions().stream()
          .anyMatch(c -> c.getType().equals(gate.getConditionType()) && "True".equals(c.getStatus()));
      if (!ok) {
        notReady.add(gate.getConditionType());
      }
    }
    return notReady;
  }

  private static String brackets(List<String> names) {
    return "[" + String.join(" ", names) + "]";
  }

  static boolean isTerminal(String phase) {
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static PodCondition condition(PodStatus old, String type, boolean value, String reason, String message,
      Inputs in) {
    String status = value ? "True" : "False";
    String transition = time(in.now());
    if (old.getConditions() != null) {
      for (PodCondition c : old.getConditions()) {
        if (c.getType().equals(type) && status.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
          transition = c.getLastTransitionTime();
        }
      }
    }
    return new PodConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withLastTransitionTime(transition).withLastProbeTime(null).build();
  }

  private static ContainerStatus containerStatus(Pod pod, Container spec, Inputs in, String sandboxId, boolean init,
      String defaultWaiting) {
    PodRuntime rt = in.runtime();
    String key = spec.getName();
    Optional<ContainerInfo> latest = sandboxId == null ? rt.latest(key) : rt.latest(key, sandboxId).or(() ->
        rt.latest(key));
    ContainerStatusBuilder b = new ContainerStatusBuilder().withName(spec.getName())
        .withImage(ImageNames.normalize(spec.getImage() == null ? "" : spec.getImage()))
        .withImageID("").withRestartCount(0).withReady(false).withStarted(false);
    ContainerWaiting waiting = in.waiting().get(key);
    if (latest.isEmpty()) {
      b.withState(waitingState(waiting != null ? waiting : new ContainerWaiting(defaultWaiting, null)));
      return b.build();
    }
    ContainerInfo c = latest.get();
    b.withContainerID(c.kubernetesId()).withImageID(c.imageRef() == null ? "" : c.imageRef())
        .withRestartCount(c.attempt());
    rt.previous(key).filter(ContainerInfo::exited).ifPresent(p -> b.withLastState(terminatedState(p, in)));
    if (c.running()) {
      boolean sidecarOrApp = !init || "Always".equals(spec.getRestartPolicy());
      boolean started = in.probes().result(c.id(), ProbeManager.Kind.STARTUP, spec.getStartupProbe() != null)
          == ProbeManager.Result.SUCCESS;
      boolean ready = started && in.probes().result(c.id(), ProbeManager.Kind.READINESS,
          spec.getReadinessProbe() != null) == ProbeManager.Result.SUCCESS;
      b.withState(new ContainerStateBuilder().withNewRunning().withStartedAt(time(c.startedAt())).endRunning()
          .build()).withStarted(started).withReady(sidecarOrApp && ready);
    } else if (c.exited()) {
      if (waiting != null) {
        // About to be restarted (CrashLoopBackOff): the run that ended is the last state.
        b.withState(waitingState(waiting)).withLastState(terminatedState(c, in));
      } else {
        b.withState(terminatedState(c, in)).withReady(false);
      }
    } else {
      b.withState(waitingState(waiting != null ? waiting : new ContainerWaiting("ContainerCreating", null)));
    }
    return b.build();
  }

  private static ContainerState waitingState(ContainerWaiting w) {
    return new ContainerStateBuilder().withNewWaiting().withReason(w.reason()).withMessage(w.message())
        .endWaiting().build();
  }

  private static ContainerState terminatedState(ContainerInfo c, Inputs in) {
    String reason = c.reason() == null || c.reason().isEmpty() ? (c.exitCode() == 0 ? "Completed" : "Error")
        : c.reason();
    String message = in.terminationMessage().apply(c);
    return new ContainerStateBuilder().withNewTerminated().withExitCode(c.exitCode()).withReason(reason)
        .withMessage(message == null || message.isEmpty() ? null : message)
        .withStartedAt(time(c.startedAt())).withFinishedAt(time(c.finishedAt())).withContainerID(c.kubernetesId())
        .endTerminated().build();
  }

  /**
   * A terminated pod's final phase (upstream's getPhase with podIsTerminal, then the status manager's TerminatePod):
   * Succeeded when every app container ran and exited 0, otherwise Failed; a phase already terminal stays.
   */
  static void makeTerminal(PodStatus status) {
    if (isTerminal(status.getPhase())) {
      return;
    }
    List<ContainerStatus> apps = status.getContainerStatuses() == null ? List.of() : status.getContainerStatuses();
    boolean allSucceeded = !apps.isEmpty() && apps.stream().allMatch(s -> s.getState() != null
        && s.getState().getTerminated() != null && Integer.valueOf(0).equals(s.getState().getTerminated()
        .getExitCode()));
    status.setPhase(allSucceeded ? "Succeeded" : "Failed");
  }

  /** Upstream's getPhase. */
  static String phase(Pod pod, List<ContainerStatus> inits, List<ContainerStatus> apps, String restartPolicy,
      boolean initialized) {
    List<Container> initSpecs = pod.getSpec().getInitContainers() == null ? List.of()
        : pod.getSpec().getInitContainers();
    for (int i = 0; i < inits.size(); i++) {
      ContainerStatus s = inits.get(i);
      boolean sidecar = "Always".equals(initSpecs.get(i).getRestartPolicy());
      if (sidecar) {
        continue;
      }
      var terminated = s.getState().getTerminated();
      var lastTerminated = s.getLastState() == null ? null : s.getLastState().getTerminated();
      boolean failed = terminated != null && terminated.getExitCode() != 0
          || s.getState().getWaiting() != null && lastTerminated != null && lastTerminated.getExitCode() != 0;
      if (failed && "Never".equals(restartPolicy)) {
        return "Failed";
      }
    }
    if (!initialized) {
      return "Pending";
    }
    int running = 0;
    int waiting = 0;
    int stopped = 0;
    int succeeded = 0;
    for (ContainerStatus s : apps) {
      ContainerState state = s.getState();
      if (state.getRunning() != null) {
        running++;
      } else if (state.getTerminated() != null) {
        stopped++;
        if (state.getTerminated().getExitCode() == 0) {
          succeeded++;
        }
      } else if (state.getWaiting() != null) {
        if (s.getLastState() != null && s.getLastState().getTerminated() != null) {
          stopped++;
        } else {
          waiting++;
        }
      }
    }
    if (waiting > 0) {
      return "Pending";
    }
    if (running > 0) {
      return "Running";
    }
    if (stopped > 0) {
      if ("Always".equals(restartPolicy)) {
        return "Running";
      }
      if (stopped == succeeded) {
        return "Succeeded";
      }
      return "OnFailure".equals(restartPolicy) ? "Running" : "Failed";
    }
    return "Pending";
  }

  /**
   * Whether two statuses say the same (what the API server holds vs what would be written): compared as the JSON they
   * are written as. The model's equals also tells an empty list from a missing one (the informer's copy has
   * {@code []} where a built status has null), which the JSON does not: a running pod's unchanged status was written
   * again at every sync, every 10 s.
   */
  public static boolean same(PodStatus a, PodStatus b) {
    if (Objects.equals(a, b)) {
      return true;
    }
    try {
      return a != null && b != null && STATUS_JSON.writeValueAsString(a).equals(STATUS_JSON.writeValueAsString(b));
    } catch (JsonProcessingException e) {
      return false;
    }
  }
}
