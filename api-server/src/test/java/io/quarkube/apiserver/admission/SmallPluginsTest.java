package io.quarkube.apiserver.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.resource.ResourceCatalog;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plugins and helpers that need no storage: tolerations, image pulls, quota usage, quantities. */
class SmallPluginsTest {
  private static final ResourceCatalog CATALOG = ResourceCatalog.builtIn();

  private static AdmissionRequest create(HasMetadata obj, String resource) {
    return new AdmissionRequest(AdmissionRequest.Operation.CREATE, CATALOG.find("", "v1", resource).orElseThrow(),
        "ns", obj.getMetadata().getName(), null, obj, new UserInfo("u", "", List.of()), false);
  }

  private static Pod pod() {
    return new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec().addNewContainer()
        .withName("c").withImage("busybox").withNewResources().addToRequests("cpu", new Quantity("250m"))
        .addToLimits("memory", new Quantity("64Mi")).endResources().endContainer().addNewInitContainer()
        .withName("i").withImage("busybox").withNewResources().addToRequests("cpu", new Quantity("1"))
        .endResources().endInitContainer().endSpec().build();
  }

  @Test
  void defaultTolerationSecondsAddsBothUnlessPresent() {
    Pod p = pod();
    p.getSpec().setTolerations(new java.util.ArrayList<>(List.of(new io.fabric8.kubernetes.api.model.TolerationBuilder()
        .withKey("node.kubernetes.io/unreachable").withOperator("Exists").withEffect("NoExecute")
        .withTolerationSeconds(10L).build())));
    new DefaultTolerationSeconds().admit(create(p, "pods"));
    assertEquals(2, p.getSpec().getTolerations().size());
    assertEquals("node.kubernetes.io/not-ready", p.getSpec().getTolerations().get(1).getKey());
    assertEquals(300L, p.getSpec().getTolerations().get(1).getTolerationSeconds());
    assertEquals(10L, p.getSpec().getTolerations().get(0).getTolerationSeconds());
  }

  @Test
  void alwaysPullImages() {
    Pod p = pod();
    new AlwaysPullImages().admit(create(p, "pods"));
    assertEquals("Always", p.getSpec().getContainers().get(0).getImagePullPolicy());
    assertEquals("Always", p.getSpec().getInitContainers().get(0).getImagePullPolicy());
  }

  @Test
  void podUsageTakesTheLargerOfInitAndContainers() {
    Map<String, BigDecimal> u = new QuotaUsage(Clock.systemUTC()).of(CATALOG.find("", "v1", "pods").orElseThrow(),
        pod());
    assertEquals(0, BigDecimal.ONE.compareTo(u.get("pods")));
    assertEquals(0, BigDecimal.ONE.compareTo(u.get("count/pods")));
    assertEquals(0, BigDecimal.ONE.compareTo(u.get("requests.cpu")), "init container's 1 > 250m");
    assertEquals(0, BigDecimal.valueOf(64L * 1024 * 1024).compareTo(u.get("requests.memory")), "limit as request");
    assertEquals(Map.of("limits.cpu", List.of("i", "c"), "requests.memory", List.of("i")),
        QuotaUsage.missingCompute(pod(),
        java.util.Set.of("limits.cpu", "requests.memory")));
  }

  @Test
  void quantitiesPrintLikeUpstream() {
    assertEquals("500m", Quantities.format("requests.cpu", new BigDecimal("0.5")));
    assertEquals("2", Quantities.format("cpu", new BigDecimal("2")));
    assertEquals("128Mi", Quantities.format("limits.memory", BigDecimal.valueOf(128L * 1024 * 1024)));
    assertEquals("3", Quantities.format("pods", BigDecimal.valueOf(3)));
  }
}
