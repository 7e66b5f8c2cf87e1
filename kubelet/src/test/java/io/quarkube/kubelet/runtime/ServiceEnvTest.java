package io.quarkube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Service environment variables as upstream's kubelet makes them (envvars_test.go, kubelet_pods_test.go). */
class ServiceEnvTest {
  private static final Service MASTER = service("default", "kubernetes", "10.96.0.1", port("https", 443, "TCP"));

  private static ServicePort port(String name, int port, String protocol) {
    return new ServicePortBuilder().withName(name).withPort(port).withProtocol(protocol).build();
  }

  private static Service service(String namespace, String name, String clusterIp, ServicePort... ports) {
    return new ServiceBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata().withNewSpec()
        .withClusterIP(clusterIp).withPorts(ports).endSpec().build();
  }

  @Test
  void oneServiceGivesHostPortsAndDockerLinkVariables() {
    Service svc = service("team", "my-db", "10.96.3.4", port("", 5432, null), port("metrics", 9187, "TCP"),
        port("dns-udp", 53, "UDP"));
    Map<String, String> env = ServiceEnv.of(svc);
    assertEquals(Map.ofEntries(
        Map.entry("MY_DB_SERVICE_HOST", "10.96.3.4"),
        Map.entry("MY_DB_SERVICE_PORT", "5432"),
        Map.entry("MY_DB_SERVICE_PORT_METRICS", "9187"),
        Map.entry("MY_DB_SERVICE_PORT_DNS_UDP", "53"),
        Map.entry("MY_DB_PORT", "tcp://10.96.3.4:5432"),
        Map.entry("MY_DB_PORT_5432_TCP", "tcp://10.96.3.4:5432"),
        Map.entry("MY_DB_PORT_5432_TCP_PROTO", "tcp"),
        Map.entry("MY_DB_PORT_5432_TCP_PORT", "5432"),
        Map.entry("MY_DB_PORT_5432_TCP_ADDR", "10.96.3.4"),
        Map.entry("MY_DB_PORT_9187_TCP", "tcp://10.96.3.4:9187"),
        Map.entry("MY_DB_PORT_9187_TCP_PROTO", "tcp"),
        Map.entry("MY_DB_PORT_9187_TCP_PORT", "9187"),
        Map.entry("MY_DB_PORT_9187_TCP_ADDR", "10.96.3.4"),
        Map.entry("MY_DB_PORT_53_UDP", "udp://10.96.3.4:53"),
        Map.entry("MY_DB_PORT_53_UDP_PROTO", "udp"),
        Map.entry("MY_DB_PORT_53_UDP_PORT", "53"),
        Map.entry("MY_DB_PORT_53_UDP_ADDR", "10.96.3.4")), env);
  }

  @Test
  void ipv6AddressesAreBracketedInUrls() {
    Map<String, String> env = ServiceEnv.of(service("team", "v6", "fd00::10", port("", 80, "TCP")));
    assertEquals("tcp://[fd00::10]:80", env.get("V6_PORT"));
    assertEquals("fd00::10", env.get("V6_PORT_80_TCP_ADDR"));
  }

  @Test
  void namespaceServicesAndTheMasterServiceOnly() {
    List<Service> all = List.of(MASTER, service("team", "web", "10.96.0.20", port("http", 80, "TCP")),
        service("other", "db", "10.96.0.30", port("", 5432, "TCP")),
        service("default", "elsewhere", "10.96.0.40", port("", 81, "TCP")),
        service("team", "headless", "None", port("", 80, "TCP")),
        service("team", "external", null, port("", 80, "TCP")));
    Map<String, String> env = ServiceEnv.forPod("team", true, all);
    assertEquals("10.96.0.1", env.get("KUBERNETES_SERVICE_HOST"));
    assertEquals("443", env.get("KUBERNETES_SERVICE_PORT"));
    assertEquals("443", env.get("KUBERNETES_SERVICE_PORT_HTTPS"));
    assertEquals("tcp://10.96.0.1:443", env.get("KUBERNETES_PORT"));
    assertEquals("10.96.0.20", env.get("WEB_SERVICE_HOST"));
    assertEquals("80", env.get("WEB_SERVICE_PORT_HTTP"));
    assertTrue(env.keySet().stream().noneMatch(k -> k.startsWith("DB_") || k.startsWith("ELSEWHERE_")),
        "services of other namespaces are not linked: " + env.keySet());
    assertTrue(env.keySet().stream().noneMatch(k -> k.startsWith("HEADLESS_") || k.startsWith("EXTERNAL_")),
        "services without a ClusterIP are not linked: " + env.keySet());
  }

  @Test
  void withoutServiceLinksOnlyTheMasterService() {
    List<Service> all = List.of(MASTER, service("team", "web", "10.96.0.20", port("http", 80, "TCP")));
    Map<String, String> env = ServiceEnv.forPod("team", false, all);
    assertEquals("10.96.0.1", env.get("KUBERNETES_SERVICE_HOST"));
    assertTrue(env.keySet().stream().allMatch(k -> k.startsWith("KUBERNETES_")), env.keySet().toString());
  }

  @Test
  void aNamespaceServiceNamedKubernetesReplacesTheMasterOne() {
    List<Service> all = List.of(MASTER, service("team", "kubernetes", "10.96.0.99", port("", 8080, "TCP")));
    assertEquals("10.96.0.99", ServiceEnv.forPod("team", true, all).get("KUBERNETES_SERVICE_HOST"));
    assertEquals("10.96.0.1", ServiceEnv.forPod("team", false, all).get("KUBERNETES_SERVICE_HOST"));
  }

  // ------------------------------------------------------------------------------- in the container's environment

  private static EnvResolver resolver(Collection<Service> services) {
    return new EnvResolver(null, Map.of(), () -> Optional.of(services));
  }

  private static Pod pod(Boolean serviceLinks) {
    return new PodBuilder().withNewMetadata().withName("p").withNamespace("team").endMetadata().withNewSpec()
        .withEnableServiceLinks(serviceLinks).endSpec().build();
  }

  @Test
  void containersGetTheServiceVariablesAfterTheirOwn() {
    List<Service> all = List.of(MASTER, service("team", "web", "10.96.0.20", port("http", 80, "TCP")));
    Container c = new ContainerBuilder().withName("c").addNewEnv().withName("WEB_SERVICE_HOST").withValue("mine")
        .endEnv().addNewEnv().withName("API").withValue("https://$(KUBERNETES_SERVICE_HOST):$(WEB_SERVICE_PORT)")
        .endEnv().build();
    Map<String, String> env = resolver(all).resolve(pod(true), c, "10.88.0.5", "10.0.0.1");
    assertEquals("mine", env.get("WEB_SERVICE_HOST"), "the container's own variable wins");
    assertEquals("https://10.96.0.1:80", env.get("API"), "env values may reference service variables");
    assertEquals("10.96.0.1", env.get("KUBERNETES_SERVICE_HOST"));
    assertEquals(List.of("WEB_SERVICE_HOST", "API"), List.copyOf(env.keySet()).subList(0, 2),
        "the container's variables come first");
  }

  @Test
  void serviceLinksOffStillGivesTheMasterService() {
    List<Service> all = List.of(MASTER, service("team", "web", "10.96.0.20", port("http", 80, "TCP")));
    Map<String, String> env = resolver(all).resolve(pod(false), new ContainerBuilder().withName("c").build(),
        "10.88.0.5", "10.0.0.1");
    assertEquals("10.96.0.1", env.get("KUBERNETES_SERVICE_HOST"));
    assertFalse(env.containsKey("WEB_SERVICE_HOST"));
  }

  @Test
  void servicesNotListedYetHoldTheContainerBack() {
    EnvResolver notSynced = new EnvResolver(null, Map.of(), Optional::empty);
    assertThrows(EnvResolver.MissingSourceException.class,
        () -> notSynced.resolve(pod(true), new ContainerBuilder().withName("c").build(), "10.88.0.5", "10.0.0.1"));
  }

  @Test
  void aStaticPodDoesNotWaitForTheServices() {
    Pod fromFile = pod(true);
    fromFile.getMetadata().setAnnotations(Map.of("kubernetes.io/config.source", "file"));
    Map<String, String> env = new EnvResolver(null, Map.of(), Optional::empty).resolve(fromFile,
        new ContainerBuilder().withName("c").addNewEnv().withName("A").withValue("a").endEnv().build(),
        "10.88.0.5", "10.0.0.1");
    assertEquals(Map.of("A", "a"), env);
  }
}
