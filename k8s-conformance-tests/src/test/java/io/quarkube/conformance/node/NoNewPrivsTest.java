package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "Security Context when creating containers with AllowPrivilegeEscalation" (test/e2e/common/node/
 * security_context.go): the nonewprivs image's entrypoint is setuid root and prints its effective uid; run as uid 1000
 * with allowPrivilegeEscalation false (no_new_privs) it stays 1000. The same pod allowed to escalate shows 0, which
 * proves the image's setuid bit works, so that the first pod's 1000 is the kubelet's doing.
 */
@Conformance("node.no-new-privs")
@ExtendWith(TestNamespace.class)
class NoNewPrivsTest {
  private static final long NON_ROOT = 1000;

  private static Pod pod(String ns, String name, boolean allowPrivilegeEscalation) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withNodeName(RealNode.name()).withRestartPolicy("Never").addNewContainer().withName(name)
        .withImage("quarkube/nonewprivs:1.0").withNewSecurityContext()
        .withAllowPrivilegeEscalation(allowPrivilegeEscalation).withRunAsUser(NON_ROOT).endSecurityContext()
        .endContainer().endSpec().build();
  }

  @Test
  void setuidDoesNotRaiseTheUidWithoutPrivilegeEscalation(String ns) {
    List<Pod> pods = List.of(pod(ns, "alpine-nnp-false", false), pod(ns, "alpine-nnp-true", true));
    pods.forEach(p -> RealNode.client().resource(p).create());
    RealNode.awaitSucceeded(ns, "alpine-nnp-false", Duration.ofSeconds(120));
    RealNode.awaitSucceeded(ns, "alpine-nnp-true", Duration.ofSeconds(120));
    assertEquals("Effective uid: 1000\n", RealNode.log(ns, "alpine-nnp-false", "alpine-nnp-false"));
    assertEquals("Effective uid: 0\n", RealNode.log(ns, "alpine-nnp-true", "alpine-nnp-true"));
  }
}
