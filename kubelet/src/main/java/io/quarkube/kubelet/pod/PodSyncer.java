package io.quarkube.kubelet.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.k8s.cri.runtime.v1.CreateContainerRequest;
import io.k8s.cri.runtime.v1.Mount;
import io.k8s.cri.runtime.v1.PodSandboxConfig;
import io.k8s.cri.runtime.v1.RemoveContainerRequest;
import io.k8s.cri.runtime.v1.RemovePodSandboxRequest;
import io.k8s.cri.runtime.v1.RunPodSandboxRequest;
import io.k8s.cri.runtime.v1.StartContainerRequest;
import io.k8s.cri.runtime.v1.StopContainerRequest;
import io.k8s.cri.runtime.v1.StopPodSandboxRequest;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.kubelet.cgroups.PodCgroups;
import io.quarkube.kubelet.cri.CriClient;
import io.quarkube.kubelet.images.ImageManager;
import io.quarkube.kubelet.objects.PodObjects;
import io.quarkube.kubelet.probes.ProbeManager;
import io.quarkube.kubelet.probes.ProbeRunner;
import io.quarkube.kubelet.runtime.ContainerConfigs;
import io.quarkube.kubelet.runtime.ContainerInfo;
import io.quarkube.kubelet.runtime.EnvResolver;
import io.quarkube.kubelet.runtime.PodDirs;
import io.quarkube.kubelet.runtime.PodRuntime;
import io.quarkube.kubelet.runtime.RuntimeClassHandlers;
import io.quarkube.kubelet.runtime.RuntimeInspector;
import io.quarkube.kubelet.runtime.RuntimeLabels;
import io.quarkube.kubelet.runtime.SandboxConfigs;
import io.quarkube.kubelet.runtime.SandboxInfo;
import io.quarkube.kubelet.volumes.VolumeManager;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * Brings one pod's runtime state to what its spec asks (upstream's SyncPod / SyncTerminatingPod / SyncTerminatedPod):
 * a sandbox, init containers in order, app containers with the restart policy and back-off, liveness restarts, status
 * written back; and for a deleted pod: containers stopped within the grace period, the sandbox removed, cgroups and
 * volumes cleaned, then the deletion confirmed to the API server. A sync is level-triggered: it reads the runtime
 * again each time, so it can be repeated and interrupted safely. One pod is only ever synced by one thread
 * ({@link PodWorkers}).
 */
public final class PodSyncer {
  private static final Logger LOG = Logger.getLogger(PodSyncer.class);
  /** Running pods are looked at again this often even without events (configMap updates, lost events). */
  static final Duration RESYNC = Duration.ofSeconds(10);

  private final CriClient cri;
  private final RuntimeInspector inspector;
  private final KubernetesClient client;
  private final EventRecorder events;
  private final ImageManager images;
  private final VolumeManager volumes;
  private final PodCgroups cgroups;
  private final SandboxConfigs sandboxConfigs;
  private final PodDirs dirs;
  private final EnvResolver env;
  /** The ConfigMaps and Secrets of live pods, watched while a pod references them. */
  private final PodObjects objects;
  /** The CRI runtime handler of a pod's RuntimeClass. */
  private final RuntimeClassHandlers runtimeClasses;
  private final ProbeManager probes;
  private final ProbeRunner handlers;
  private final CrashBackoff backoff;
  private final ExecutorService stopper;
  private final String hostIp;
  private final Clock clock;
  /**
   * Where a pod's status goes: the pod itself, or for a static pod its mirror in the API server (null: nowhere yet).
   */
  private volatile java.util.function.UnaryOperator<Pod> statusTarget = p -> p;
  private volatile HostPortAdmission admission = HostPortAdmission.admitAll();
  /** Why each container of each pod waits (by pod uid, then container name), set when a start fails. */
  private final Map<String, Map<String, ContainerWaiting>> waiting = new ConcurrentHashMap<>();

  public PodSyncer(CriClient cri, KubernetesClient client, EventRecorder events, ImageManager images,
      VolumeManager volumes, PodCgroups cgroups, SandboxConfigs sandboxConfigs, PodDirs dirs, EnvResolver env,
      PodObjects objects, RuntimeClassHandlers runtimeClasses, ProbeManager probes, ProbeRunner handlers, CrashBackoff backoff, ExecutorService stopper,
      String hostIp, Clock clock) {
    this.cri = cri;
    this.inspector = new RuntimeInspector(cri);
    this.client = client;
    this.events = events;
    this.images = images;
    this.volumes = volumes;
    this.cgroups = cgroups;
    this.sandboxConfigs = sandboxConfigs;
    this.dirs = dirs;
    this.env = env;
    this.objects = objects;
    this.runtimeClasses = runtimeClasses;
    this.probes = probes;
    this.handlers = handlers;
    this.backoff = backoff;
    this.stopper = stopper;
    this.hostIp = hostIp;
    this.clock = clock;
  }

  /**
   * When this kubelet first synced each pod not yet running (System.nanoTime), until its status says Running: the
   * start of upstream's kubelet_pod_start_duration_seconds.
   */
  private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
  private volatile java.util.function.LongConsumer podStarted = nanos -> {};

  /** Told, once per pod, how long it took from this kubelet first seeing the pod to its status saying Running. */
  public void onPodStarted(java.util.function.LongConsumer podStarted) {
    this.podStarted = podStarted;
  }

  /** Static pods write their status to their mirror pods: this finds the mirror of a static pod. */
  /** How new pods are admitted against the host ports of the node's other pods. */
  public void admission(HostPortAdmission admission) {
    this.admission = admission;
  }

  public void statusTarget(java.util.function.UnaryOperator<Pod> target) {
    this.statusTarget = target;
  }

  /**
   * Syncs the pod with this uid. {@code pod} is the API server's object (null when it is gone or not bound here).
   *
   * @return when to look at it again without an event (null: only on events)
   */
  public Duration sync(String uid, Pod pod) {
    PodRuntime rt = inspector.pod(uid);
    if (pod == null) {
      if (!rt.isEmpty() || Files.exists(dirs.podDir(uid))) {
        long grace = gracePeriodFromRuntime(rt);
        killPod(null, rt, grace);
        cleanUp(uid, rt);
      }
      forget(uid);
      return null;
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return terminate(pod, rt);
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (PodStatusBuilder.isTerminal(phase)) {
      // A finished pod keeps its final status; its sandbox is stopped (its IP released).
      if (!rt.running().isEmpty() || rt.readySandbox().isPresent()) {
        killPod(pod, rt, ContainerConfigs.gracePeriod(pod));
        probes.remove(uid);
      }
      objects.unregisterPod(uid); // as upstream once a pod is terminated: nothing reads its objects any more
      return null;
    }
    if (!admission.isAdmitted(uid)) {
      if (!rt.isEmpty() || "Running".equals(phase)) {
        admission.markAdmitted(uid); // started before this kubelet (re)started
      } else if (!admission.admit(pod)) {
        return reject(pod, rt);
      }
    }
    if (ActiveDeadline.exceeded(pod, clock.instant())) {
      return failDeadlineExceeded(pod, rt);
    }
    if (!"Running".equals(phase)) {
      firstSeen.putIfAbsent(uid, System.nanoTime());
    }
    // Before anything reads them: the pod's ConfigMaps and Secrets are answered from watches it holds references on.
    objects.registerPod(pod);
    Duration next = syncRunning(pod, rt);
    PodRuntime after = inspector.pod(uid);
    PodStatus status = writeStatus(pod, after, null);
    if (status != null && "Running".equals(status.getPhase())) {
      Long seen = firstSeen.remove(uid);
      if (seen != null) {
        podStarted.accept(System.nanoTime() - seen);
      }
    }
    if (status != null && PodStatusBuilder.isTerminal(status.getPhase())) {
      killPod(pod, after, ContainerConfigs.gracePeriod(pod));
      probes.remove(uid);
      objects.unregisterPod(uid);
      return null;
    }
    // the deadline is looked at again when it comes, whatever else happens meanwhile
    Optional<Duration> deadline = ActiveDeadline.remaining(pod, clock.instant());
    return deadline.isPresent() ? min(next, deadline.get().plusMillis(100)) : next;
  }

  /**
   * Upstream's rejectPod: a pod admission refuses never starts; it fails with the admission's reason and
   * "Pod was rejected: " before its message, and a Warning event says why.
   */
  private Duration reject(Pod pod, PodRuntime rt) {
    events.warning(pod, HostPortAdmission.REASON, "%s", HostPortAdmission.MESSAGE);
    writeStatus(pod, rt, s -> {
      s.setPhase("Failed");
      s.setReason(HostPortAdmission.REASON);
      s.setMessage("Pod was rejected: " + HostPortAdmission.MESSAGE);
    });
    // looked at again: a written Failed phase ends the pod's syncs there, a failed write is tried again
    return Duration.ofSeconds(5);
  }

  /**
   * The pod ran past its activeDeadlineSeconds (upstream's activeDeadlineHandler and the kubelet's ShouldEvict): its
   * containers are killed within the grace period and it fails with reason DeadlineExceeded.
   */
  private Duration failDeadlineExceeded(Pod pod, PodRuntime rt) {
    String uid = pod.getMetadata().getUid();
    events.normal(pod, ActiveDeadline.REASON, "%s", ActiveDeadline.MESSAGE);
    killPod(pod, rt, ContainerConfigs.gracePeriod(pod));
    writeStatus(pod, inspector.pod(uid), s -> {
      s.setPhase("Failed");
      s.setReason(ActiveDeadline.REASON);
      s.setMessage(ActiveDeadline.MESSAGE);
    });
    probes.remove(uid);
    objects.unregisterPod(uid);
    // looked at again: a written Failed phase ends the pod's syncs there, a failed write is tried again
    return Duration.ofSeconds(5);
  }

  // ---------------------------------------------------------------------------------------------------- running pods

  private Duration syncRunning(Pod pod, PodRuntime rt) {
    String uid = pod.getMetadata().getUid();
    Map<String, ContainerWaiting> podWaiting = waiting.computeIfAbsent(uid, k -> new ConcurrentHashMap<>());
    Optional<SandboxInfo> sandbox = rt.readySandbox();
    if (sandbox.isEmpty()) {
      int attempt = rt.latestSandbox().map(s -> s.attempt() + 1).orElse(0);
      if (rt.latestSandbox().isPresent()) {
        // The sandbox died (node reboot, killed pause): containers go with it, a new one is made.
        events.normal(pod, "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
        killPod(pod, rt, 0);
      }
      cgroups.create(pod);
      try {
        // In the try: a config that cannot be made (an FQDN too long for a host name) fails the sandbox too.
        PodSandboxConfig config = sandboxConfigs.build(pod, attempt, cgroups.parentOf(pod));
        Files.createDirectories(dirs.logDir(pod));
        cri.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config)
            .setRuntimeHandler(runtimeClasses.handlerFor(pod.getSpec().getRuntimeClassName())).build());
      } catch (IOException | RuntimeException e) {
        events.warning(pod, "FailedCreatePodSandBox", "Failed to create pod sandbox: %s", e.getMessage());
        for (Container c : allContainers(pod)) {
          podWaiting.put(c.getName(), new ContainerWaiting("ContainerCreating", null));
        }
        return Duration.ofSeconds(5);
      }
      rt = inspector.pod(uid);
      sandbox = rt.readySandbox();
      if (sandbox.isEmpty()) {
        return Duration.ofSeconds(2);
      }
    }
    SandboxInfo sb = sandbox.get();
    PodSandboxConfig sandboxConfig = sandboxConfigs.build(pod, sb.attempt(), cgroups.parentOf(pod));
    String podIp = Boolean.TRUE.equals(pod.getSpec().getHostNetwork()) ? hostIp : sb.ip();
    Map<String, Path> volumePaths;
    try {
      volumePaths = volumes.setUp(pod, podIp, hostIp);
    } catch (VolumeManager.VolumeException e) {
      events.warning(pod, "FailedMount", "%s", e.getMessage());
      for (Container c : allContainers(pod)) {
        if (rt.latest(c.getName(), sb.id()).isEmpty()) {
          podWaiting.put(c.getName(), new ContainerWaiting("ContainerCreating", null));
        }
      }
      return Duration.ofSeconds(5);
    }
    writeEtcHosts(pod, podIp);
    probes.sync(pod, rt.running(), podIp);

    Duration next = RESYNC;
    StartContext ctx = new StartContext(pod, sb, sandboxConfig, podIp, volumePaths, podWaiting);
    String restartPolicy = pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
    // Init containers, one after the other; sidecars (restartPolicy Always) keep running beside the rest.
    boolean initDone = true;
    for (Container c : pod.getSpec().getInitContainers() == null ? List.<Container>of()
        : pod.getSpec().getInitContainers()) {
      boolean sidecar = "Always".equals(c.getRestartPolicy());
      Optional<ContainerInfo> latest = rt.latest(c.getName(), sb.id());
      if (sidecar) {
        Duration d = keepRunning(ctx, c, "sidecar", latest, "Always", rt);
        next = min(next, d);
        if (latest.isEmpty() || !latest.get().running()) {
          initDone = false;
          break;
        }
        continue;
      }
      if (latest.isPresent() && latest.get().exited() && latest.get().exitCode() == 0) {
        continue;
      }
      initDone = false;
      if (latest.isEmpty()) {
        next = min(next, start(ctx, c, "init", nextAttempt(rt, c.getName())));
      } else if (latest.get().exited()) {
        if ("Never".equals(restartPolicy)) {
          break; // the pod has failed: status says so
        }
        next = min(next, restartWithBackoff(ctx, c, "init", latest.get(), rt));
      }
      break;
    }
    if (!initDone) {
      for (Container c : pod.getSpec().getContainers()) {
        podWaiting.putIfAbsent(c.getName(), new ContainerWaiting("PodInitializing", null));
      }
      return next;
    }
    for (Container c : pod.getSpec().getContainers()) {
      podWaiting.remove(c.getName(), new ContainerWaiting("PodInitializing", null));
      Duration d = keepRunning(ctx, c, "regular", rt.latest(c.getName(), sb.id()), restartPolicy, rt);
      next = min(next, d);
    }
    // Ephemeral containers (kubectl debug) run once, never restarted, in the target's PID namespace if one is named.
    for (EphemeralContainer e : EphemeralContainerSpecs.of(pod)) {
      if (rt.latest(e.getName(), sb.id()).isPresent()) {
        continue;
      }
      String target = null;
      if (e.getTargetContainerName() != null && !e.getTargetContainerName().isEmpty()) {
        target = rt.latest(e.getTargetContainerName(), sb.id()).filter(ContainerInfo::running).map(ContainerInfo::id)
            .orElse(null);
        if (target == null) {
          podWaiting.put(e.getName(), new ContainerWaiting("CreateContainerConfigError", "target container \""
              + e.getTargetContainerName() + "\" is not running"));
          next = min(next, Duration.ofSeconds(2));
          continue;
        }
      }
      next = min(next, start(ctx, EphemeralContainerSpecs.asContainer(e), "ephemeral", 0, target));
    }
    return next;
  }

  private record StartContext(Pod pod, SandboxInfo sandbox, PodSandboxConfig sandboxConfig, String podIp,
      Map<String, Path> volumes, Map<String, ContainerWaiting> waiting) {}

  /** Keeps one container running as the restart policy says; returns when to look again. */
  private Duration keepRunning(StartContext ctx, Container c, String kind, Optional<ContainerInfo> latest,
      String restartPolicy, PodRuntime rt) {
    if (latest.isEmpty()) {
      return start(ctx, c, kind, nextAttempt(rt, c.getName()));
    }
    ContainerInfo info = latest.get();
    if (info.running()) {
      ctx.waiting().remove(c.getName());
      boolean unhealthy = probes.result(info.id(), ProbeManager.Kind.LIVENESS, c.getLivenessProbe() != null)
          == ProbeManager.Result.FAILURE
          || probes.result(info.id(), ProbeManager.Kind.STARTUP, c.getStartupProbe() != null)
          == ProbeManager.Result.FAILURE;
      boolean changed = !info.hash().isEmpty() && !info.hash().equals(ContainerConfigs.hash(c));
      if (unhealthy || changed) {
        String why = unhealthy ? "Container " + c.getName() + " failed " + (c.getStartupProbe() != null
            && probes.result(info.id(), ProbeManager.Kind.STARTUP, true) == ProbeManager.Result.FAILURE ? "startup"
            : "liveness") + " probe, will be restarted"
            : "Container " + c.getName() + " definition changed, will be restarted";
        stopContainer(ctx.pod(), c, info, ContainerConfigs.gracePeriod(ctx.pod()), why);
        if (!"Never".equals(restartPolicy)) {
          return Duration.ZERO;
        }
      }
      return RESYNC;
    }
    if (info.exited()) {
      boolean restart = "Always".equals(restartPolicy) || "OnFailure".equals(restartPolicy) && info.exitCode() != 0;
      if (!restart) {
        ctx.waiting().remove(c.getName());
        return null;
      }
      return restartWithBackoff(ctx, c, kind, info, rt);
    }
    // Created but not started (a kubelet restart between create and start): start it now.
    try {
      cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(info.id()).build());
    } catch (RuntimeException e) {
      LOG.debugf("starting created container %s: %s", info.id(), e.getMessage());
    }
    return Duration.ofSeconds(1);
  }

  private Duration restartWithBackoff(StartContext ctx, Container c, String kind, ContainerInfo last, PodRuntime rt) {
    String key = ctx.pod().getMetadata().getUid() + "/" + c.getName();
    Duration wait = backoff.remaining(key, last.finishedAt());
    if (!wait.isZero()) {
      String message = "back-off " + human(backoff.current(key)) + " restarting failed container=" + c.getName()
          + " pod=" + ctx.pod().getMetadata().getName() + "_" + ctx.pod().getMetadata().getNamespace() + "("
          + ctx.pod().getMetadata().getUid() + ")";
      ContainerWaiting before = ctx.waiting().put(c.getName(), new ContainerWaiting("CrashLoopBackOff", message));
      if (before == null || !"CrashLoopBackOff".equals(before.reason())) {
        events.about(ContainerFieldPaths.of(kind, c.getName())).warning(ctx.pod(), "BackOff",
            "Back-off restarting failed container %s in pod %s", c.getName(),
            ctx.pod().getMetadata().getName() + "_" + ctx.pod().getMetadata().getNamespace() + "("
                + ctx.pod().getMetadata().getUid() + ")");
      }
      return wait;
    }
    return start(ctx, c, kind, nextAttempt(rt, c.getName()));
  }

  private static int nextAttempt(PodRuntime rt, String name) {
    return rt.latest(name).map(i -> i.attempt() + 1).orElse(0);
  }

  /** Pulls, creates and starts one container; returns when to look again. */
  private Duration start(StartContext ctx, Container c, String kind, int attempt) {
    return start(ctx, c, kind, attempt, null);
  }

  /** {@link #start}, in the PID namespace of the container {@code pidTarget} when not null. */
  private Duration start(StartContext ctx, Container c, String kind, int attempt, String pidTarget) {
    Pod pod = ctx.pod();
    String name = c.getName();
    // the container's events name it (involvedObject.fieldPath), as upstream's kubelet's do
    EventRecorder containerEvents = events.about(ContainerFieldPaths.of(kind, name));
    String pullKey = pod.getMetadata().getUid() + "/pull/" + name;
    String policy = ImageManager.pullPolicy(c);
    boolean willPull = !policy.equals("IfNotPresent") || images.present(c.getImage()).isEmpty();
    ContainerWaiting waiting = ctx.waiting().get(name);
    boolean pullFailedBefore = waiting != null && ("ErrImagePull".equals(waiting.reason())
        || "ImagePullBackOff".equals(waiting.reason()));
    Duration pullBackoff = backoff.remainingSinceFailure(pullKey);
    if (willPull && !pullBackoff.isZero() && pullFailedBefore) {
      // As upstream's puller: no new pull while the back-off since the last failure runs.
      containerEvents.normal(pod, "BackOff", "Back-off pulling image \"%s\"", c.getImage());
      String last = waiting.message() == null ? "" : waiting.message();
      ctx.waiting().put(name, new ContainerWaiting("ImagePullBackOff", last.startsWith("Back-off pulling image")
          ? last : "Back-off pulling image \"" + c.getImage() + "\": ErrImagePull: " + last));
      return pullBackoff;
    }
    if (willPull && !policy.equals("Never")) {
      containerEvents.normal(pod, "Pulling", "Pulling image \"%s\"", c.getImage());
    }
    long t0 = System.nanoTime();
    ImageManager.Result image = images.ensure(pod, c, ctx.sandboxConfig());
    if (!image.ok()) {
      containerEvents.warning(pod, "Failed", "%s", image.message());
      containerEvents.warning(pod, "Failed", "Error: %s", image.reason());
      ctx.waiting().put(name, new ContainerWaiting(pullFailedBefore && image.reason().equals("ErrImagePull")
          ? "ImagePullBackOff" : image.reason(), image.message()));
      // Each failed pull doubles the wait before the next (it stayed at 10 s: the back-off was asked, never fed).
      return backoff.failedNow(pullKey);
    }
    if (image.pulled()) {
      containerEvents.normal(pod, "Pulled", "Successfully pulled image \"%s\" in %dms", c.getImage(),
          (System.nanoTime() - t0) / 1_000_000);
    } else {
      containerEvents.normal(pod, "Pulled", "Container image \"%s\" already present on machine", c.getImage());
    }
    var nonRoot = io.quarkube.kubelet.runtime.NonRootPolicy.violation(pod, c, images.status(image.imageRef()));
    if (nonRoot.isPresent()) {
      containerEvents.warning(pod, "Failed", "Error: %s", nonRoot.get());
      ctx.waiting().put(name, new ContainerWaiting("CreateContainerConfigError", nonRoot.get()));
      return Duration.ofSeconds(10);
    }
    Map<String, String> envVars;
    List<Mount> mounts;
    try {
      envVars = env.resolve(pod, c, ctx.podIp(), hostIp);
      mounts = new ArrayList<>(VolumeManager.mounts(c, ctx.volumes(), envVars));
    } catch (EnvResolver.MissingSourceException | VolumeManager.VolumeException e) {
      containerEvents.warning(pod, "Failed", "Error: %s", e.getMessage());
      ctx.waiting().put(name, new ContainerWaiting("CreateContainerConfigError", e.getMessage()));
      return Duration.ofSeconds(10);
    }
    boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
    if (!hostNetwork && mounts.stream().noneMatch(m -> m.getContainerPath().equals("/etc/hosts"))) {
      mounts.add(Mount.newBuilder().setContainerPath("/etc/hosts")
          .setHostPath(dirs.etcHosts(pod.getMetadata().getUid()).toString()).build());
    }
    Path terminationLog = dirs.terminationLog(pod.getMetadata().getUid(), name, attempt);
    try {
      TerminationMessages.createFile(terminationLog);
    } catch (IOException e) {
      LOG.warnf("cannot create %s: %s", terminationLog, e.getMessage());
    }
    String containerId;
    try {
      containerId = cri.runtime().createContainer(CreateContainerRequest.newBuilder()
          .setPodSandboxId(ctx.sandbox().id())
          .setSandboxConfig(ctx.sandboxConfig())
          .setConfig(ContainerConfigs.build(pod, c, new ContainerConfigs.Inputs(attempt, kind, image.imageRef(),
              envVars, mounts, terminationLog.toString(), pidTarget)))
          .build()).getContainerId();
    } catch (RuntimeException e) {
      containerEvents.warning(pod, "Failed", "Error: %s", e.getMessage());
      ctx.waiting().put(name, new ContainerWaiting("CreateContainerError", e.getMessage()));
      return Duration.ofSeconds(10);
    }
    containerEvents.normal(pod, "Created", "Created container %s", name);
    try {
      cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
    } catch (RuntimeException e) {
      containerEvents.warning(pod, "Failed", "Error: %s", e.getMessage());
      ctx.waiting().put(name, new ContainerWaiting("RunContainerError", e.getMessage()));
      return Duration.ofSeconds(1);
    }
    ctx.waiting().remove(name);
    containerEvents.normal(pod, "Started", "Started container %s", name);
    if (c.getLifecycle() != null && c.getLifecycle().getPostStart() != null) {
      ProbeRunner.Outcome hook = handlers.runHandler(c.getLifecycle().getPostStart(), c, containerId, ctx.podIp(),
          (int) Math.max(1, ContainerConfigs.gracePeriod(pod)));
      if (!hook.success()) {
        containerEvents.warning(pod, "FailedPostStartHook", "PostStartHook failed: %s", hook.output());
        try {
          cri.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(containerId).setTimeout(0)
              .build());
        } catch (RuntimeException ignored) {
          // it is restarted by the next sync anyway
        }
      }
    }
    return Duration.ofSeconds(1);
  }

  // ---------------------------------------------------------------------------------------------------- termination

  private Duration terminate(Pod pod, PodRuntime rt) {
    String uid = pod.getMetadata().getUid();
    long grace = pod.getMetadata().getDeletionGracePeriodSeconds() != null
        ? pod.getMetadata().getDeletionGracePeriodSeconds() : ContainerConfigs.gracePeriod(pod);
    killPod(pod, rt, grace);
    PodRuntime after = inspector.pod(uid);
    if (!after.running().isEmpty()) {
      return Duration.ofSeconds(1);
    }
    // As upstream since 1.27: the pod's terminal phase and its containers' exit codes are written before the
    // deletion is confirmed, so that its controller sees how it ended (a Job's podFailurePolicy, a finalizer holder)
    if (statusTarget.apply(pod) == pod) {
      writeStatus(pod, after, PodStatusBuilder::makeTerminal);
    }
    cleanUp(uid, after);
    forget(uid);
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
          .withGracePeriod(0).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        LOG.warnf("confirming the deletion of pod %s/%s failed: %s", pod.getMetadata().getNamespace(),
            pod.getMetadata().getName(), e.getMessage());
        return Duration.ofSeconds(2);
      }
    }
    return null;
  }

  /**
   * Stops every running container of the pod (preStop hooks first, all containers at once, each within the grace
   * period: SIGTERM, then SIGKILL), then stops the sandboxes (network torn down). {@code pod} may be null (orphans).
   */
  private void killPod(Pod pod, PodRuntime rt, long grace) {
    List<Future<?>> stops = new ArrayList<>();
    for (ContainerInfo info : rt.running()) {
      Container spec = pod == null ? null : allContainers(pod).stream()
          .filter(c -> c.getName().equals(info.name())).findFirst().orElse(null);
      stops.add(stopper.submit(() -> stopContainer(pod, spec, info, grace, null)));
    }
    for (Future<?> f : stops) {
      try {
        f.get();
      } catch (Exception e) {
        LOG.debugf("stopping a container: %s", e.getMessage());
      }
    }
    for (SandboxInfo s : rt.sandboxes()) {
      if (s.ready()) {
        try {
          cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(s.id()).build());
        } catch (RuntimeException e) {
          if (!CriClient.isNotFound(e)) {
            LOG.warnf("stopping sandbox %s: %s", s.id(), e.getMessage());
          }
        }
      }
    }
  }

  private void stopContainer(Pod pod, Container spec, ContainerInfo info, long grace, String why) {
    EventRecorder containerEvents = events.about(ContainerFieldPaths.of(pod, info.name()));
    if (pod != null) {
      containerEvents.normal(pod, "Killing", "%s", why != null ? why : "Stopping container " + info.name());
    }
    long remaining = grace;
    if (spec != null && spec.getLifecycle() != null && spec.getLifecycle().getPreStop() != null && grace > 0) {
      long t0 = System.nanoTime();
      ProbeRunner.Outcome hook = handlers.runHandler(spec.getLifecycle().getPreStop(), spec, info.id(),
          pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP(), (int) grace);
      if (!hook.success() && pod != null) {
        containerEvents.warning(pod, "FailedPreStopHook", "PreStopHook failed: %s", hook.output());
      }
      remaining = Math.max(2, grace - (System.nanoTime() - t0) / 1_000_000_000L);
    }
    try {
      cri.runtime(Duration.ofSeconds(remaining + 30)).stopContainer(StopContainerRequest.newBuilder()
          .setContainerId(info.id()).setTimeout(remaining).build());
    } catch (RuntimeException e) {
      if (!CriClient.isNotFound(e)) {
        LOG.warnf("stopping container %s: %s", info.id(), e.getMessage());
      }
    }
  }

  /** Removes the sandboxes (and their containers), the pod's cgroups, volumes and logs. */
  private void cleanUp(String uid, PodRuntime rt) {
    for (SandboxInfo s : rt.sandboxes()) {
      try {
        cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(s.id()).build());
      } catch (RuntimeException e) {
        if (!CriClient.isNotFound(e)) {
          LOG.warnf("removing sandbox %s: %s", s.id(), e.getMessage());
        }
      }
    }
    for (ContainerInfo c : rt.containers()) {
      try {
        cri.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(c.id()).build());
      } catch (RuntimeException e) {
        // usually already gone with its sandbox
      }
    }
    cgroups.remove(uid);
    volumes.tearDown(uid);
    SandboxInfo any = rt.sandboxes().isEmpty() ? null : rt.sandboxes().get(0);
    if (any != null) {
      try {
        io.quarkube.kubelet.volumes.AtomicWriter.deleteTree(dirs.logDir(any.namespace(), any.name(), uid));
      } catch (IOException e) {
        LOG.debugf("cannot remove logs of %s: %s", uid, e.getMessage());
      }
    }
  }

  private void forget(String uid) {
    admission.forget(uid);
    objects.unregisterPod(uid);
    probes.remove(uid);
    backoff.forgetAll(uid + "/");
    waiting.remove(uid);
    firstSeen.remove(uid);
  }

  /** Removes exited instances older than the last two of each container (keeping lastState and --previous logs). */
  public void collectGarbage(PodRuntime rt) {
    Map<String, Integer> seen = new HashMap<>();
    for (ContainerInfo c : rt.containers()) {
      int n = seen.merge(c.name(), 1, Integer::sum);
      if (n > 2 && c.exited()) {
        try {
          cri.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(c.id()).build());
        } catch (RuntimeException ignored) {
          // next time
        }
      }
    }
  }

  /** The pod is gone from the API server, and its grace period with it: a short one, as upstream's orphan cleanup. */
  private static long gracePeriodFromRuntime(PodRuntime rt) {
    return 2;
  }

  // ---------------------------------------------------------------------------------------------------- status

  /**
   * Builds the pod's status from the runtime and writes it when it changed. {@code finish} (or null) changes it
   * before: {@link PodStatusBuilder#makeTerminal} when the pod is being deleted and its containers are stopped, so its
   * phase is final (upstream's podIsTerminal: Succeeded when every container exited 0, otherwise Failed, whatever the
   * restart policy); the DeadlineExceeded failure.
   */
  private PodStatus writeStatus(Pod spec, PodRuntime rt, java.util.function.Consumer<PodStatus> finish) {
    String uid = spec.getMetadata().getUid();
    Pod target = statusTarget.apply(spec);
    // A static pod's status is built on its mirror's last one (transition times) and written there.
    Pod pod = target == spec ? spec : new io.fabric8.kubernetes.api.model.PodBuilder(spec)
        .withStatus(target == null ? null : target.getStatus()).build();
    PodStatus status = PodStatusBuilder.build(pod, new PodStatusBuilder.Inputs(rt,
        waiting.getOrDefault(uid, Map.of()), c -> terminationMessage(spec, c), probes, hostIp, clock.instant()));
    if (finish != null) {
      finish.accept(status);
    }
    if (target == null || PodStatusBuilder.same(pod.getStatus(), status)) {
      return status;
    }
    String objectUid = target.getMetadata().getUid();
    pod = target;
    Pod copy = new io.fabric8.kubernetes.api.model.PodBuilder(pod).withStatus(status).build();
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(copy).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        // Someone else wrote the pod meanwhile: write ours onto the fresh object (the status is the kubelet's).
        Pod fresh = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
            .get();
        if (fresh != null && objectUid.equals(fresh.getMetadata().getUid())) {
          fresh.setStatus(PodStatusBuilder.build(fresh, new PodStatusBuilder.Inputs(rt,
              waiting.getOrDefault(uid, Map.of()), c -> terminationMessage(spec, c), probes, hostIp, clock.instant())));
          if (finish != null) {
            finish.accept(fresh.getStatus());
          }
          try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(fresh).updateStatus();
          } catch (KubernetesClientException again) {
            LOG.debugf("status of %s/%s: %s", pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                again.getMessage());
          }
        }
      } else if (e.getCode() != 404) {
        LOG.warnf("writing the status of pod %s/%s failed: %s", pod.getMetadata().getNamespace(),
            pod.getMetadata().getName(), e.getMessage());
      }
    }
    return status;
  }

  /** The termination message: the file the container wrote, or for FallbackToLogsOnError the end of its log. */
  private String terminationMessage(Pod pod, ContainerInfo c) {
    return TerminationMessages.of(c, dirs.terminationLog(c.podUid(), c.name(), c.attempt()),
        dirs.containerLog(pod, c));
  }

  /** The pod's /etc/hosts, managed by the kubelet as upstream's (localhost, the pod's own name, hostAliases). */
  private void writeEtcHosts(Pod pod, String podIp) {
    StringBuilder sb = new StringBuilder("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n"
        + "::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\n"
        + "fe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n");
    if (podIp != null && !podIp.isEmpty()) {
      String host = SandboxConfigs.hostname(pod);
      String sub = pod.getSpec().getSubdomain();
      if (sub != null && !sub.isEmpty()) {
        String fqdn = host + "." + sub + "." + pod.getMetadata().getNamespace() + ".svc.cluster.local";
        sb.append(podIp).append('\t').append(fqdn).append('\t').append(host).append('\n');
      } else {
        sb.append(podIp).append('\t').append(host).append('\n');
      }
    }
    if (pod.getSpec().getHostAliases() != null && !pod.getSpec().getHostAliases().isEmpty()) {
      sb.append("\n# Entries added by HostAliases.\n");
      for (HostAlias alias : pod.getSpec().getHostAliases()) {
        sb.append(alias.getIp()).append('\t').append(String.join("\t", alias.getHostnames())).append('\n');
      }
    }
    Path file = dirs.etcHosts(pod.getMetadata().getUid());
    try {
      Files.createDirectories(file.getParent());
      String content = sb.toString();
      if (!Files.exists(file) || !Files.readString(file).equals(content)) {
        // in place (not a rename): the file is bind-mounted into running containers
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
          raf.setLength(0);
          raf.write(content.getBytes(StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      LOG.warnf("cannot write %s: %s", file, e.getMessage());
    }
  }

  private static List<Container> allContainers(Pod pod) {
    List<Container> all = new ArrayList<>();
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    all.addAll(pod.getSpec().getContainers());
    return all;
  }

  private static Duration min(Duration a, Duration b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String human(Duration d) {
    long s = d.getSeconds();
    return s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
  }

}
