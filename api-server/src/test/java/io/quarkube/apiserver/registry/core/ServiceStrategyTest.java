package io.quarkube.apiserver.registry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceStrategyTest {
  private final ServiceStrategy strategy = new ServiceStrategy();

  private static Service service(String type) {
    return new ServiceBuilder().withNewMetadata().withName("exp").withNamespace("ns").endMetadata().withNewSpec()
        .withType(type).withSelector(Map.of("app", "web")).addNewPort().withPort(80).endPort().endSpec().build();
  }

  /** As stored after a create: defaulted and given what the allocator hands out. */
  private Service stored(String type) {
    Service svc = service(type);
    strategy.prepareForCreate(svc);
    svc.getSpec().setClusterIP("10.96.0.20");
    svc.getSpec().setClusterIPs(List.of("10.96.0.20"));
    svc.getSpec().setIpFamilies(List.of("IPv4"));
    svc.getSpec().setIpFamilyPolicy("SingleStack");
    if ("NodePort".equals(type)) {
      svc.getSpec().getPorts().get(0).setNodePort(30080);
    }
    return svc;
  }

  /** A merge patch: the stored object with some fields changed, as the store hands it to the strategy. */
  private List<FieldError> update(Service updated, Service old) {
    strategy.prepareForUpdate(updated, old);
    return strategy.validateUpdate(updated, old);
  }

  private static Service copy(Service svc) {
    return Json.convert(Json.tree(svc), Service.class);
  }

  private static List<String> messages(List<FieldError> errors) {
    return errors.stream().map(Object::toString).toList();
  }

  private List<String> created(Service svc) {
    strategy.prepareForCreate(svc);
    return messages(strategy.validate(svc));
  }

  @Test
  void nodePortToClusterIpDropsTheNodePortsAndExternalTrafficPolicy() {
    Service old = stored("NodePort");
    assertEquals("Cluster", old.getSpec().getExternalTrafficPolicy());
    Service updated = copy(old);
    updated.getSpec().setType("ClusterIP");
    assertEquals(List.of(), update(updated, old));
    assertNull(updated.getSpec().getPorts().get(0).getNodePort());
    assertNull(updated.getSpec().getExternalTrafficPolicy());
    assertEquals("10.96.0.20", updated.getSpec().getClusterIP());
  }

  @Test
  void aNodePortTheUserChangesWhileLeavingNodePortIsStillRefused() {
    Service old = stored("NodePort");
    Service updated = copy(old);
    updated.getSpec().setType("ClusterIP");
    updated.getSpec().getPorts().get(0).setNodePort(30081);
    assertTrue(messages(update(updated, old)).contains(
        "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"));
  }

  @Test
  void toExternalNameDropsEverythingAllocated() {
    Service old = stored("NodePort");
    Service updated = copy(old);
    updated.getSpec().setType("ExternalName");
    updated.getSpec().setExternalName("web.ns.svc.cluster.local");
    assertEquals(List.of(), update(updated, old));
    assertNull(updated.getSpec().getClusterIP());
    assertNull(updated.getSpec().getClusterIPs());
    assertNull(updated.getSpec().getIpFamilies());
    assertNull(updated.getSpec().getIpFamilyPolicy());
    assertNull(updated.getSpec().getExternalTrafficPolicy());
    assertNull(updated.getSpec().getInternalTrafficPolicy());
    assertNull(updated.getSpec().getPorts().get(0).getNodePort());
  }

  @Test
  void externalNameKeepsNoClusterIpFromTheOldService() {
    Service old = stored("ClusterIP");
    Service updated = copy(old);
    updated.getSpec().setType("ExternalName");
    updated.getSpec().setExternalName("web.example.com");
    updated.getSpec().setClusterIP(null);
    updated.getSpec().setClusterIPs(null);
    assertEquals(List.of(), update(updated, old));
    assertNull(updated.getSpec().getClusterIP());
  }

  @Test
  void loadBalancerToClusterIpClearsTheLoadBalancerStatus() {
    Service old = stored("LoadBalancer");
    old.getStatus().getLoadBalancer().setIngress(
        List.of(new io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder().withIp("1.2.3.4").build()));
    Service updated = copy(old);
    updated.getSpec().setType("ClusterIP");
    updated.getSpec().getPorts().get(0).setNodePort(null);
    update(updated, old);
    assertTrue(updated.getStatus().getLoadBalancer().getIngress().isEmpty());
  }

  @Test
  void duplicatePortAndProtocolIsRefused() {
    Service svc = service("ClusterIP");
    svc.getSpec().setPorts(List.of(new ServicePortBuilder().withName("a").withPort(80).build(),
        new ServicePortBuilder().withName("b").withPort(80).build()));
    assertEquals(List.of("spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", "
        + "AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, "
        + "NodePort:0}"), created(svc));
    Service udp = service("ClusterIP");
    udp.getSpec().setPorts(List.of(new ServicePortBuilder().withName("a").withPort(53).build(),
        new ServicePortBuilder().withName("b").withPort(53).withProtocol("UDP").build()));
    assertEquals(List.of(), created(udp));
  }

  @Test
  void externalNameMustBeALowercaseSubdomain() {
    Service svc = service("ExternalName");
    svc.getSpec().setExternalName("Web_Server");
    assertEquals(List.of("spec.externalName: Invalid value: \"Web_Server\": a lowercase RFC 1123 subdomain must "
        + "consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
        + "character (e.g. 'example.com', regex used for validation is "
        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"), created(svc));
    Service fqdn = service("ExternalName");
    fqdn.getSpec().setExternalName("web.example.com.");
    assertEquals(List.of(), created(fqdn));
  }

  @Test
  void namedTargetPortFollowsIanaServiceNameRules() {
    Service svc = service("ClusterIP");
    svc.getSpec().getPorts().get(0).setTargetPort(new IntOrString("a-very-long-port-name"));
    assertEquals(List.of("spec.ports[0].targetPort: Invalid value: \"a-very-long-port-name\": "
        + "must be no more than 15 characters"), created(svc));
    Service ok = service("ClusterIP");
    ok.getSpec().getPorts().get(0).setTargetPort(new IntOrString("http"));
    assertEquals(List.of(), created(ok));
  }

  @Test
  void externalTrafficPolicyOnlyForExternallyAccessibleServices() {
    Service svc = service("ClusterIP");
    svc.getSpec().setExternalTrafficPolicy("Local");
    assertEquals(List.of("spec.externalTrafficPolicy: Invalid value: \"Local\": "
        + "may only be set for externally-accessible services"), created(svc));
  }

  @Test
  void sessionAffinityRules() {
    Service none = service("ClusterIP");
    none.getSpec().setSessionAffinityConfig(new io.fabric8.kubernetes.api.model.SessionAffinityConfig(
        new io.fabric8.kubernetes.api.model.ClientIPConfig(60)));
    // Upstream's defaulting drops the config of a Service without affinity; validation alone still refuses it.
    Service validatedOnly = copy(none);
    strategy.prepareForCreate(validatedOnly);
    validatedOnly.getSpec().setSessionAffinityConfig(none.getSpec().getSessionAffinityConfig());
    assertEquals(List.of("spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None"),
        messages(strategy.validate(validatedOnly)));
    assertEquals(List.of(), created(none));
    assertNull(none.getSpec().getSessionAffinityConfig());

    Service bad = service("ClusterIP");
    bad.getSpec().setSessionAffinity("Cookie");
    assertEquals(List.of("spec.sessionAffinity: Unsupported value: \"Cookie\": supported values: \"ClientIP\", "
        + "\"None\""), created(bad));

    Service defaulted = service("ClusterIP");
    defaulted.getSpec().setSessionAffinity("ClientIP");
    assertEquals(List.of(), created(defaulted));
    assertEquals(10800, defaulted.getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds());

    Service tooLong = service("ClusterIP");
    tooLong.getSpec().setSessionAffinity("ClientIP");
    tooLong.getSpec().setSessionAffinityConfig(new io.fabric8.kubernetes.api.model.SessionAffinityConfig(
        new io.fabric8.kubernetes.api.model.ClientIPConfig(86401)));
    assertEquals(List.of("spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: "
        + "must be greater than 0 and less than 86400"), created(tooLong));
  }

  @Test
  void switchingAffinityOffDropsTheDefaultedConfig() {
    Service old = stored("NodePort");
    old.getSpec().setSessionAffinity("ClientIP");
    strategy.prepareForCreate(old);
    assertEquals(10800, old.getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds());
    Service off = copy(old);
    off.getSpec().setSessionAffinity("None");
    assertEquals(List.of(), messages(update(off, old)));
    assertNull(off.getSpec().getSessionAffinityConfig());
  }

  @Test
  void selectorValuesAreLabelValues() {
    Service svc = service("ClusterIP");
    svc.getSpec().setSelector(Map.of("app", "web server"));
    List<String> errors = created(svc);
    assertEquals(1, errors.size(), errors.toString());
    assertTrue(errors.get(0).startsWith("spec.selector[app]: Invalid value: \"web server\": a valid label must be"),
        errors.toString());
  }

  @Test
  void thisClusterIsSingleStackIpv4() {
    Service dual = service("ClusterIP");
    dual.getSpec().setIpFamilyPolicy("RequireDualStack");
    assertEquals(List.of("spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": "
        + "this cluster is not configured for dual-stack services"), created(dual));
    Service v6 = service("ClusterIP");
    v6.getSpec().setIpFamilies(List.of("IPv6"));
    assertEquals(List.of("spec.ipFamilies[0]: Invalid value: \"IPv6\": not configured on this cluster"),
        created(v6));
    Service prefer = service("ClusterIP");
    prefer.getSpec().setIpFamilyPolicy("PreferDualStack");
    assertEquals(List.of(), created(prefer));
  }

  @Test
  void everyServiceShowsAnEmptyLoadBalancerStatus() {
    Service svc = service("ClusterIP");
    created(svc);
    assertEquals("{\"loadBalancer\":{}}", Json.tree(svc).get("status").toString());
  }
}
