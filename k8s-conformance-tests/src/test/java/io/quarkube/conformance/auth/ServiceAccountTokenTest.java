package io.quarkube.conformance.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The API token, CA and namespace a pod finds in /var/run/secrets/kubernetes.io/serviceaccount, or not. */
@ExtendWith(TestNamespace.class)
class ServiceAccountTokenTest {
  private static final String DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
  private final KubernetesClient client = Cluster.client();

  /** Runs a pod on the real node that lists the token folder and prints the namespace file; returns its log. */
  private String run(String ns, String name, String account, Boolean podAutomount) throws Exception {
    String node = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withNodeName(node).withRestartPolicy("Never").withServiceAccountName(account)
        .withAutomountServiceAccountToken(podAutomount).addNewContainer().withName("main").withImage("busybox")
        .withCommand("sh", "-c", "ls " + DIR + " 2>/dev/null | sort | tr '\\n' ' '; echo; cat " + DIR
            + "/namespace 2>/dev/null; echo; head -c 3 " + DIR + "/token 2>/dev/null")
        .endContainer().endSpec().build();
    client.resource(pod).create();
    Await.until(Duration.ofSeconds(90), "pod " + name + " done", () -> {
      Pod p = client.pods().inNamespace(ns).withName(name).get();
      return p.getStatus() != null && ("Succeeded".equals(p.getStatus().getPhase())
          || "Failed".equals(p.getStatus().getPhase()));
    });
    return client.pods().inNamespace(ns).withName(name).getLog();
  }

  @Conformance("auth.service-account-token-automount")
  @Test
  void tokenIsMountedUnlessOptedOut(String ns) throws Exception {
    client.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata()
        .withName("nomount").endMetadata().withAutomountServiceAccountToken(false).build()).create();

    String mounted = run(ns, "mounted", "default", null);
    String[] lines = mounted.split("\n", -1);
    assertEquals("ca.crt namespace token ", lines[0], mounted);
    assertEquals(ns, lines[1], mounted);
    assertEquals("eyJ", lines[2], "a JWT: " + mounted);

    assertEquals("", run(ns, "pod-opts-out", "default", false).split("\n", -1)[0], "pod says false");
    assertEquals("", run(ns, "account-opts-out", "nomount", null).split("\n", -1)[0], "account says false");
    String podWins = run(ns, "pod-opts-in", "nomount", true);
    assertTrue(podWins.startsWith("ca.crt namespace token"), "the pod's true wins over the account: " + podWins);
  }
}
