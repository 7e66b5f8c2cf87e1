package io.quarkube.apiserver.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.resource.ResourceCatalog;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plugins that need no storage: tolerations, image pulls (quota usage is tested in api-machinery). */
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
  void theServiceAccountTokenVolumeHasUpstreamsShape() {
    assertEquals("{\"name\":\"kube-api-access-abcde\",\"projected\":{\"defaultMode\":420,\"sources\":["
        + "{\"serviceAccountToken\":{\"expirationSeconds\":3607,\"path\":\"token\"}},"
        + "{\"configMap\":{\"items\":[{\"key\":\"ca.crt\",\"path\":\"ca.crt\"}],\"name\":\"kube-root-ca.crt\"}},"
        + "{\"downwardAPI\":{\"items\":[{\"fieldRef\":{\"apiVersion\":\"v1\",\"fieldPath\":"
        + "\"metadata.namespace\"},\"path\":\"namespace\"}]}}]}}",
        new String(io.quarkube.apiserver.json.Json.bytes(ServiceAccountAdmission.tokenVolume("kube-api-access-abcde")),
            java.nio.charset.StandardCharsets.UTF_8));
  }
}
