package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a container learns from the kubelet about the cluster: the service environment variables (the master service
 * {@code kubernetes} always, the services of its namespace unless enableServiceLinks is false) and, with
 * setHostnameAsFQDN, its FQDN as host name. Each pod prints what it sees and exits; the test reads its log.
 */
@ExtendWith(TestNamespace.class)
class ServiceEnvironmentTest {
  private static final Duration RUN = Duration.ofSeconds(90);
  private final KubernetesClient client = RealNode.client();

  private PodBuilder pod(String ns, String name, String script) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withNodeName(RealNode.name()).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("main").withImage("busybox").withCommand("sh", "-c", script).endContainer()
        .endSpec();
  }

  /** Runs the pod to Succeeded and returns its log. */
  private String output(Pod pod) {
    client.resource(pod).create();
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    Await.until(RUN, "pod " + name + " succeeded", () -> {
      Pod p = RealNode.pod(ns, name);
      if (p != null && p.getStatus() != null && "Failed".equals(p.getStatus().getPhase())) {
        throw new AssertionError("pod " + name + " failed: " + p.getStatus());
      }
      return p != null && p.getStatus() != null && "Succeeded".equals(p.getStatus().getPhase());
    });
    return client.pods().inNamespace(ns).withName(name).getLog();
  }

  private static Map<String, String> env(String log) {
    return Arrays.stream(log.split("\n")).filter(l -> l.contains("="))
        .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1),
            (a, b) -> b));
  }

  private Service service(String ns) {
    return client.resource(new ServiceBuilder().withNewMetadata().withName("my-web").withNamespace(ns).endMetadata()
        .withNewSpec().withSelector(Map.of("app", "none")).addNewPort().withName("http").withPort(8080)
        .withProtocol("TCP").endPort().endSpec().build()).create();
  }

  @Conformance("node.service-environment")
  @Test
  void containersSeeTheMasterServiceAndTheirNamespacesServices(String ns) {
    String ip = service(ns).getSpec().getClusterIP();
    String master = client.services().inNamespace("default").withName("kubernetes").get().getSpec().getClusterIP();
    Map<String, String> env = env(output(pod(ns, "links", "env; echo URL=$URL").editSpec().editFirstContainer()
        .withEnv(new EnvVarBuilder().withName("URL").withValue("http://$(MY_WEB_SERVICE_HOST):$(MY_WEB_SERVICE_PORT)")
            .build()).endContainer().endSpec().build()));
    assertEquals(master, env.get("KUBERNETES_SERVICE_HOST"), env.toString());
    assertEquals("443", env.get("KUBERNETES_SERVICE_PORT"), env.toString());
    assertEquals(ip, env.get("MY_WEB_SERVICE_HOST"), env.toString());
    assertEquals("8080", env.get("MY_WEB_SERVICE_PORT"));
    assertEquals("8080", env.get("MY_WEB_SERVICE_PORT_HTTP"));
    assertEquals("tcp://" + ip + ":8080", env.get("MY_WEB_PORT"));
    assertEquals("tcp://" + ip + ":8080", env.get("MY_WEB_PORT_8080_TCP"));
    assertEquals("tcp", env.get("MY_WEB_PORT_8080_TCP_PROTO"));
    assertEquals("8080", env.get("MY_WEB_PORT_8080_TCP_PORT"));
    assertEquals(ip, env.get("MY_WEB_PORT_8080_TCP_ADDR"));
    assertEquals("http://" + ip + ":8080", env.get("URL"), "env values may reference service variables");
  }

  @Test
  void withoutServiceLinksOnlyTheMasterService(String ns) {
    service(ns);
    Map<String, String> env = env(output(pod(ns, "no-links", "env").editSpec().withEnableServiceLinks(false)
        .endSpec().build()));
    assertTrue(env.containsKey("KUBERNETES_SERVICE_HOST"), env.toString());
    assertFalse(env.keySet().stream().anyMatch(k -> k.startsWith("MY_WEB_")), env.toString());
  }

  // A short method name: the namespace, named after it, is part of the FQDN, which must fit 64 characters.
  @Test
  void fqdnHostname(String ns) {
    String log = output(pod(ns, "fqdn", "hostname").editSpec().withHostname("h1").withSubdomain("sub")
        .withSetHostnameAsFQDN(true).endSpec().build());
    assertEquals("h1." + "sub." + ns + ".svc.cluster.local", log.strip());
    String shortName = output(pod(ns, "short", "hostname").editSpec().withHostname("h1").withSubdomain("sub")
        .endSpec().build());
    assertEquals("h1", shortName.strip());
    // An FQDN too long for the kernel's host name: the sandbox is not made, as upstream.
    client.resource(pod(ns, "toolong", "hostname").editSpec().withHostname("h".repeat(50)).withSubdomain("sub")
        .withSetHostnameAsFQDN(true).endSpec().build()).create();
    Await.until(RUN, "FailedCreatePodSandBox for the long FQDN", () -> client.v1().events().inNamespace(ns).list()
        .getItems().stream().anyMatch(e -> "FailedCreatePodSandBox".equals(e.getReason())
            && e.getMessage().contains("is too long (64 characters is the max")));
  }
}
