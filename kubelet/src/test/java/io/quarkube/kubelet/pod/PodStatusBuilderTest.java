package io.quarkube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Upstream's getPhase table. */
class PodStatusBuilderTest {
  private static final Pod POD = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec()
      .addNewContainer().withName("a").endContainer().endSpec().build();

  private static ContainerStatus running() {
    return new ContainerStatusBuilder().withName("a").withNewState().withNewRunning().endRunning().endState().build();
  }

  private static ContainerStatus exited(int code) {
    return new ContainerStatusBuilder().withName("a").withNewState().withNewTerminated().withExitCode(code)
        .endTerminated().endState().build();
  }

  private static ContainerStatus waiting(boolean crashed) {
    ContainerStatusBuilder b = new ContainerStatusBuilder().withName("a").withNewState().withNewWaiting()
        .withReason(crashed ? "CrashLoopBackOff" : "ContainerCreating").endWaiting().endState();
    if (crashed) {
      b.withNewLastState().withNewTerminated().withExitCode(1).endTerminated().endLastState();
    }
    return b.build();
  }

  private static String phase(ContainerStatus s, String policy) {
    return PodStatusBuilder.phase(POD, List.of(), List.of(s), policy, true);
  }

  @Test
  void aStatusReadBackWithEmptyListsIsTheSameAsTheOneBuilt() {
    io.fabric8.kubernetes.api.model.PodStatus built = new io.fabric8.kubernetes.api.model.PodStatusBuilder()
        .withPhase("Running").withContainerStatuses(new ContainerStatusBuilder().withName("c").withReady(true)
            .withVolumeMounts((List<io.fabric8.kubernetes.api.model.VolumeMountStatus>) null).build()).build();
    io.fabric8.kubernetes.api.model.PodStatus read = new io.fabric8.kubernetes.api.model.PodStatusBuilder(built)
        .withContainerStatuses(new ContainerStatusBuilder(built.getContainerStatuses().get(0))
            .withVolumeMounts(new java.util.ArrayList<>()).build()).build();
    assertEquals(true, PodStatusBuilder.same(read, built), "no write for [] against a missing list");
    read.setPhase("Succeeded");
    assertEquals(false, PodStatusBuilder.same(read, built));
  }

  @Test
  void phases() {
    assertEquals("Pending", phase(waiting(false), "Always"));
    assertEquals("Running", phase(running(), "Never"));
    assertEquals("Running", phase(waiting(true), "Always"));
    assertEquals("Running", phase(exited(1), "Always"));
    assertEquals("Succeeded", phase(exited(0), "Never"));
    assertEquals("Succeeded", phase(exited(0), "OnFailure"));
    assertEquals("Failed", phase(exited(2), "Never"));
    assertEquals("Running", phase(exited(2), "OnFailure"));
    assertEquals("Pending", PodStatusBuilder.phase(POD, List.of(), List.of(running()), "Always", false));
  }

  private static String terminal(String phase, ContainerStatus... apps) {
    io.fabric8.kubernetes.api.model.PodStatus st = new io.fabric8.kubernetes.api.model.PodStatusBuilder()
        .withPhase(phase).withContainerStatuses(apps).build();
    PodStatusBuilder.makeTerminal(st);
    return st.getPhase();
  }

  @Test
  void aDeletedPodEndsInATerminalPhaseWhateverItsRestartPolicy() {
    assertEquals("Failed", terminal("Running", exited(143)), "killed by the deletion");
    assertEquals("Succeeded", terminal("Running", exited(0)), "restartPolicy Always, exited 0 when told to stop");
    assertEquals("Failed", terminal("Pending", waiting(false)), "never ran");
    assertEquals("Succeeded", terminal("Succeeded", exited(0)), "already terminal: kept");
    assertEquals("Failed", terminal("Failed", exited(0)));
  }
}
