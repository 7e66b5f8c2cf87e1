package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Real pods through the kubelet and containerd: start, serve, exit codes, restarts, deletion without leftovers. */
@ExtendWith(TestNamespace.class)
class PodLifecycleTest {
  private static final Duration START = Duration.ofSeconds(60);

  private static PodBuilder pod(String ns, String name, String... command) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(3L)
        .addNewContainer().withName("main").withImage("busybox").withCommand(command).endContainer().endSpec();
  }

  private static Pod create(Pod pod) {
    return RealNode.client().resource(pod).create();
  }

  private static ContainerStatus main(Pod p) {
    return p.getStatus().getContainerStatuses().get(0);
  }

  @Conformance("node.pod-lifecycle")
  @Test
  void kubectlRunServesAPageFromThePod(String ns) throws Exception {
    Kubectl.stock().run("run", "web", "-n", ns, "--image=busybox", "--", "httpd", "-f", "-p", "8080", "-h", "/var/www")
        .ok();
    Pod running = RealNode.awaitPhase(ns, "web", "Running", START);
    String ip = running.getStatus().getPodIP();
    assertNotNull(ip, "a pod IP");
    assertEquals(RealNode.name(), running.getSpec().getNodeName());
    assertTrue(running.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Ready")
        && c.getStatus().equals("True")), "Ready");
    ContainerStatus status = main(running);
    assertTrue(status.getContainerID().startsWith("containerd://"), status.getContainerID());
    assertEquals("docker.io/library/busybox:latest", status.getImage());
    assertNotNull(running.getStatus().getStartTime());
    assertEquals("BestEffort", running.getStatus().getQosClass());
    // Benchmark, not an assertion: scheduling to Running.
    System.out.printf("pod web: scheduled to Running in %s%n", Duration.between(Instant.parse(
        running.getMetadata().getCreationTimestamp()), Instant.parse(status.getState().getRunning().getStartedAt())));

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Await.until(Duration.ofSeconds(20), "the page answers from the host", () -> {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":8080/"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 && r.body().contains("hello from quarkube/busybox");
      } catch (Exception e) {
        return false;
      }
    });
    String out = Kubectl.stock().run("get", "pod", "web", "-n", ns, "-o", "wide").ok().out();
    assertTrue(out.contains("Running") && out.contains(ip), out);
  }

  @Conformance("node.pod-lifecycle")
  @Test
  void deletionStopsContainersWithinGraceAndLeavesNothingBehind(String ns) {
    Pod created = create(pod(ns, "sleeper", "sleep", "3600").build());
    Pod running = RealNode.awaitPhase(ns, "sleeper", "Running", START);
    String ip = running.getStatus().getPodIP();
    String containerId = main(running).getContainerID().substring("containerd://".length());
    assertTrue(RealNode.runtimeContainers().contains(containerId));
    assertTrue(RealNode.ipAllocated(ip), "CNI holds " + ip);

    long t0 = System.nanoTime();
    // sleep as PID 1 ignores SIGTERM: the kubelet must SIGKILL it when the 3 s grace period is over.
    Kubectl.stock().run("delete", "pod", "sleeper", "-n", ns).ok();
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertNull(RealNode.pod(ns, "sleeper"), "the kubelet confirmed the deletion");
    assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "deleted in " + took);
    assertFalse(RealNode.runtimeContainers().contains(containerId), "container gone from containerd");
    assertFalse(RealNode.ipAllocated(ip), "IP " + ip + " released");
    assertFalse(RealNode.cgroupLeft(created.getMetadata().getUid()), "pod cgroup removed");
  }

  @Conformance("node.restart-policy")
  @Test
  void exitCodeAndTerminationMessageWithRestartPolicyNever(String ns) {
    create(pod(ns, "exit3", "sh", "-c", "echo bye > /dev/termination-log; exit 3").editSpec()
        .withRestartPolicy("Never").endSpec().build());
    Pod failed = RealNode.awaitPhase(ns, "exit3", "Failed", START);
    var terminated = main(failed).getState().getTerminated();
    assertNotNull(terminated, "terminated state");
    assertEquals(3, terminated.getExitCode());
    assertEquals("Error", terminated.getReason());
    assertEquals("bye\n", terminated.getMessage());
    assertEquals(0, main(failed).getRestartCount());
  }

  @Conformance("node.restart-policy")
  @Test
  void succeededWithRestartPolicyOnFailure(String ns) {
    create(pod(ns, "ok", "true").editSpec().withRestartPolicy("OnFailure").endSpec().build());
    Pod done = RealNode.awaitPhase(ns, "ok", "Succeeded", START);
    assertEquals("Completed", main(done).getState().getTerminated().getReason());
  }

  @Conformance("node.restart-policy")
  @Test
  void crashingContainerBacksOff(String ns) {
    create(pod(ns, "crash", "sh", "-c", "echo crashing; exit 1").build());
    Await.until(START, "CrashLoopBackOff", () -> {
      Pod p = RealNode.pod(ns, "crash");
      if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
        return false;
      }
      ContainerStatus s = main(p);
      return s.getState().getWaiting() != null && "CrashLoopBackOff".equals(s.getState().getWaiting().getReason())
          && s.getRestartCount() >= 1 && s.getLastState().getTerminated() != null
          && s.getLastState().getTerminated().getExitCode() == 1;
    });
    assertEquals("Running", RealNode.pod(ns, "crash").getStatus().getPhase());
    Await.until(Duration.ofSeconds(20), "a BackOff event", () -> RealNode.client().v1().events().inNamespace(ns)
        .list().getItems().stream().anyMatch(e -> "BackOff".equals(e.getReason())));
    String out = Kubectl.stock().run("get", "pod", "crash", "-n", ns).ok().out();
    assertTrue(out.contains("CrashLoopBackOff"), out);
  }

  /** Upstream's kubelet names the container its events are about: kubectl's SUBOBJECT column. */
  @Test
  void containerEventsNameTheirContainer(String ns) {
    create(new PodBuilder(pod(ns, "parts", "sh", "-c", "true").build()).editSpec().withRestartPolicy("Never")
        .addNewInitContainer().withName("setup").withImage("busybox").withCommand("true").endInitContainer()
        .endSpec().build());
    RealNode.awaitPhase(ns, "parts", "Succeeded", START);
    Await.until(Duration.ofSeconds(20), "Started events of both containers", () -> RealNode.client().v1().events()
        .inNamespace(ns).list().getItems().stream().filter(e -> "Started".equals(e.getReason())).count() == 2);
    List<io.fabric8.kubernetes.api.model.Event> events = RealNode.client().v1().events().inNamespace(ns).list()
        .getItems();
    for (String reason : List.of("Pulled", "Created", "Started")) {
      assertEquals(List.of("spec.containers{main}", "spec.initContainers{setup}"), events.stream()
          .filter(e -> reason.equals(e.getReason())).map(e -> e.getInvolvedObject().getFieldPath()).sorted()
          .toList(), reason);
    }
    assertTrue(events.stream().filter(e -> "Scheduled".equals(e.getReason()))
        .allMatch(e -> e.getInvolvedObject().getFieldPath() == null), "pod-level events name no container");
    String wide = Kubectl.stock().run("get", "events", "-n", ns, "-o", "wide",
        "--field-selector", "reason=Started").ok().out();
    assertTrue(wide.contains("SUBOBJECT") && wide.contains("spec.containers{main}")
        && wide.contains("spec.initContainers{setup}"), wide);
  }

  @Conformance("node.init-containers")
  @Test
  void initContainersRunInOrderAndAFailureBlocksTheApp(String ns) {
    create(new PodBuilder(pod(ns, "inits", "sh", "-c", "cat /work/log > /dev/termination-log").build()).editSpec()
        .withRestartPolicy("Never")
        .addNewVolume().withName("work").withNewEmptyDir().endEmptyDir().endVolume()
        .editFirstContainer().addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount()
        .endContainer()
        .addNewInitContainer().withName("one").withImage("busybox").withCommand("sh", "-c", "echo one >> /work/log")
        .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount().endInitContainer()
        .addNewInitContainer().withName("two").withImage("busybox").withCommand("sh", "-c", "echo two >> /work/log")
        .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount().endInitContainer()
        .endSpec().build());
    Pod done = RealNode.awaitPhase(ns, "inits", "Succeeded", START);
    assertEquals(List.of(0, 0), done.getStatus().getInitContainerStatuses().stream()
        .map(s -> s.getState().getTerminated().getExitCode()).toList());
    assertEquals("one\ntwo\n", main(done).getState().getTerminated().getMessage(), "both ran, in order, before it");

    create(new PodBuilder(pod(ns, "blocked", "sh", "-c", "sleep 3600").build()).editSpec().withRestartPolicy("Never")
        .addNewInitContainer().withName("fails").withImage("busybox").withCommand("sh", "-c", "exit 7")
        .endInitContainer().endSpec().build());
    Pod failed = RealNode.awaitPhase(ns, "blocked", "Failed", START);
    assertEquals(7, failed.getStatus().getInitContainerStatuses().get(0).getState().getTerminated().getExitCode());
    assertNull(main(failed).getState().getRunning(), "the app container never ran");
    assertNull(main(failed).getContainerID());
  }

  private static Pod initPod(String ns, String name, String firstInit) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L).withRestartPolicy("Always")
        .addNewInitContainer().withName("init1").withImage("busybox").withCommand(firstInit).endInitContainer()
        .addNewInitContainer().withName("init2").withImage("busybox").withCommand("/bin/true").endInitContainer()
        .addNewContainer().withName("run1").withImage("busybox").withCommand("sleep", "3600").endContainer().endSpec().build();
  }

  private static String condition(Pod p, String type) {
    return p.getStatus().getConditions().stream().filter(c -> c.getType().equals(type))
        .map(c -> c.getStatus() + "/" + c.getReason()).findFirst().orElse(null);
  }

  @Conformance("node.init-containers")
  @Test
  void initContainersOfARestartAlwaysPod(String ns) {
    create(initPod(ns, "pod-init-ok", "/bin/true"));
    create(initPod(ns, "pod-init-fails", "/bin/false"));

    Await.until(START, "pod-init-ok ready", () -> {
      Pod p = RealNode.pod(ns, "pod-init-ok");
      return p.getStatus() != null && p.getStatus().getConditions() != null && "Running".equals(p.getStatus()
          .getPhase()) && condition(p, "Ready") != null && condition(p, "Ready").startsWith("True");
    });
    Pod ok = RealNode.pod(ns, "pod-init-ok");
    assertTrue(condition(ok, "Initialized").startsWith("True"), condition(ok, "Initialized"));
    assertEquals(2, ok.getStatus().getInitContainerStatuses().size());
    for (ContainerStatus s : ok.getStatus().getInitContainerStatuses()) {
      assertNotNull(s.getState().getTerminated(), s.getName() + " terminated");
      assertEquals(0, s.getState().getTerminated().getExitCode(), s.getName());
    }

    // A failing first init container is restarted with back-off (10 s, 20 s, ...); nothing after it ever starts.
    Await.until(Duration.ofSeconds(180), "init1 restarted 3 times", () -> {
      Pod p = RealNode.pod(ns, "pod-init-fails");
      if (p.getStatus() == null || p.getStatus().getInitContainerStatuses() == null) {
        return false;
      }
      assertEquals("Pending", p.getStatus().getPhase());
      ContainerStatus init2 = p.getStatus().getInitContainerStatuses().get(1);
      assertNotNull(init2.getState().getWaiting(), "init2 waits: " + init2.getState());
      assertNotNull(main(p).getState().getWaiting(), "run1 waits: " + main(p).getState());
      return p.getStatus().getInitContainerStatuses().get(0).getRestartCount() >= 3;
    });
    Pod failing = RealNode.pod(ns, "pod-init-fails");
    assertEquals("False/ContainersNotInitialized", condition(failing, "Initialized"));
    assertNull(main(failing).getContainerID(), "run1 never started");
  }
}
