package io.quarkube.kubelet.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8s.cri.runtime.v1.ContainerConfig;
import io.k8s.cri.runtime.v1.ContainerMetadata;
import io.k8s.cri.runtime.v1.ContainerState;
import io.k8s.cri.runtime.v1.ContainerStatusRequest;
import io.k8s.cri.runtime.v1.CreateContainerRequest;
import io.k8s.cri.runtime.v1.ExecSyncRequest;
import io.k8s.cri.runtime.v1.ExecSyncResponse;
import io.k8s.cri.runtime.v1.ImageSpec;
import io.k8s.cri.runtime.v1.KeyValue;
import io.k8s.cri.runtime.v1.LinuxPodSandboxConfig;
import io.k8s.cri.runtime.v1.PodSandboxConfig;
import io.k8s.cri.runtime.v1.PodSandboxMetadata;
import io.k8s.cri.runtime.v1.PodSandboxStatusRequest;
import io.k8s.cri.runtime.v1.PodSandboxStatusResponse;
import io.k8s.cri.runtime.v1.PullImageRequest;
import io.k8s.cri.runtime.v1.RemovePodSandboxRequest;
import io.k8s.cri.runtime.v1.RunPodSandboxRequest;
import io.k8s.cri.runtime.v1.StartContainerRequest;
import io.k8s.cri.runtime.v1.StopPodSandboxRequest;
import io.quarkube.kubelet.testing.ContainerdFixture;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The CRI client against a real containerd: the whole flow of one pod, as the notes describe it. */
class CriClientTest {

  @Test
  void runsAPodThroughTheCri() {
    ContainerdFixture node = ContainerdFixture.shared();
    CriClient cri = node.cri();
    assertEquals("containerd", cri.version().getRuntimeName());

    String uid = UUID.randomUUID().toString();
    PodSandboxConfig sandboxConfig = PodSandboxConfig.newBuilder()
        .setMetadata(PodSandboxMetadata.newBuilder().setName("cri-test").setNamespace("default").setUid(uid))
        .setHostname("cri-test")
        .setLogDirectory(node.dir().resolve("logs").resolve(uid).toString())
        .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent(node.cgroupRoot() + "/pod" + uid))
        .build();
    String sandboxId = cri.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(sandboxConfig).build())
        .getPodSandboxId();
    try {
      PodSandboxStatusResponse sandbox = cri.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder()
          .setPodSandboxId(sandboxId).build());
      String ip = sandbox.getStatus().getNetwork().getIp();
      assertTrue(ip.startsWith(node.podCidr().substring(0, node.podCidr().lastIndexOf('.'))), ip);

      String image = node.busyboxImage();
      cri.images(CriClient.PULL_TIMEOUT).pullImage(PullImageRequest.newBuilder()
          .setImage(ImageSpec.newBuilder().setImage(image)).setSandboxConfig(sandboxConfig).build());
      String containerId = cri.runtime().createContainer(CreateContainerRequest.newBuilder()
          .setPodSandboxId(sandboxId)
          .setSandboxConfig(sandboxConfig)
          .setConfig(ContainerConfig.newBuilder()
              .setMetadata(ContainerMetadata.newBuilder().setName("main"))
              .setImage(ImageSpec.newBuilder().setImage(image))
              .addCommand("sh").addArgs("-c").addArgs("echo started; exec sleep 3600")
              .addEnvs(KeyValue.newBuilder().setKey("GREETING").setValue("hello"))
              .setLogPath("main/0.log"))
          .build()).getContainerId();
      cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
      assertEquals(ContainerState.CONTAINER_RUNNING, cri.runtime().containerStatus(ContainerStatusRequest
          .newBuilder().setContainerId(containerId).build()).getStatus().getState());

      ExecSyncResponse exec = cri.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(containerId)
          .addCmd("sh").addCmd("-c").addCmd("echo $GREETING; exit 3").setTimeout(10).build());
      assertEquals(3, exec.getExitCode());
      assertEquals("hello\n", exec.getStdout().toString(StandardCharsets.UTF_8));
    } finally {
      cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
      cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
    }
    assertFalse(cri.runtime().listPodSandbox(io.k8s.cri.runtime.v1.ListPodSandboxRequest.getDefaultInstance())
        .getItemsList().stream().anyMatch(s -> s.getId().equals(sandboxId)));
  }
}
