package io.quarkube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostPortAdmissionTest {
  private final List<Pod> node = new ArrayList<>();
  private final HostPortAdmission admission = new HostPortAdmission(() -> node);

  private Pod pod(String uid, int hostPort, String protocol, String hostIp) {
    Pod p = new PodBuilder().withNewMetadata().withName(uid).withUid(uid).endMetadata().withNewSpec()
        .addNewContainer().withName("c").addNewPort().withContainerPort(hostPort).withHostPort(hostPort)
        .withProtocol(protocol).withHostIP(hostIp).endPort().endContainer().endSpec().build();
    node.add(p);
    return p;
  }

  @Test
  void aHostPortHeldByAnAdmittedActivePodIsRefused() {
    assertTrue(admission.admit(pod("blocker", 21017, null, null)));
    assertFalse(admission.admit(pod("ss-0", 21017, "TCP", null)), "same port, TCP by default");
    assertFalse(admission.isAdmitted("ss-0"));
    assertTrue(admission.admit(pod("udp", 21017, "UDP", null)), "another protocol");
    assertTrue(admission.admit(pod("other-port", 21018, null, null)));
    assertFalse(admission.admit(pod("on-one-ip", 21017, "TCP", "127.0.0.1")), "0.0.0.0 holds every address");
  }

  @Test
  void theBlockerGoneOrFinishedFreesThePort() {
    Pod blocker = pod("blocker", 21017, null, "10.0.0.1");
    assertTrue(admission.admit(blocker));
    assertTrue(admission.admit(pod("other-ip", 21017, null, "10.0.0.2")), "two distinct host IPs");
    assertFalse(admission.admit(pod("ss-0", 21017, null, "10.0.0.1")));
    blocker.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Failed").build());
    assertTrue(admission.admit(pod("ss-0-again", 21017, null, "10.0.0.1")), "a finished pod holds nothing");
    admission.forget("ss-0-again");
    node.removeIf(p -> p.getMetadata().getUid().equals("ss-0-again"));
    assertTrue(admission.admit(pod("ss-0-third", 21017, null, "10.0.0.1")));
  }

  @Test
  void podsWithoutHostPortsAreAlwaysAdmitted() {
    assertTrue(admission.admit(pod("blocker", 80, null, null)));
    Pod plain = new PodBuilder().withNewMetadata().withUid("plain").endMetadata().withNewSpec().addNewContainer()
        .withName("c").addNewPort().withContainerPort(80).endPort().endContainer().endSpec().build();
    assertTrue(admission.admit(plain));
  }
}
