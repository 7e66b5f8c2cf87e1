package io.quarkube.machinery.quota;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaSpecBuilder;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuotaScopesTest {
  private static Pod bestEffort() {
    return new PodBuilder().withNewMetadata().withName("be").endMetadata().withNewSpec().addNewContainer()
        .withName("c").endContainer().endSpec().build();
  }

  private static Pod burstable() {
    return new PodBuilder().withNewMetadata().withName("b").endMetadata().withNewSpec().addNewContainer()
        .withName("c").withNewResources().addToRequests("cpu", new Quantity("1")).endResources().endContainer()
        .withActiveDeadlineSeconds(60L).withPriorityClassName("high").endSpec().build();
  }

  private static ScopedResourceSelectorRequirement req(String scope, String op, String... values) {
    return new ScopedResourceSelectorRequirement(op, scope, List.of(values));
  }

  @Test
  void unscopedQuotasTakeInEverything() {
    assertTrue(QuotaScopes.inScope(null, new ConfigMapBuilder().build()));
    assertTrue(QuotaScopes.inScope(List.of(), null, new ConfigMapBuilder().build()));
  }

  @Test
  void scopedQuotasTakeInPodsOnly() {
    assertFalse(QuotaScopes.inScope(List.of("NotTerminating"), null, new ConfigMapBuilder().build()));
  }

  @Test
  void scopesMatchByDeadlineResourcesAndPriorityClass() {
    assertTrue(QuotaScopes.inScope(List.of("BestEffort", "NotTerminating"), null, bestEffort()));
    assertFalse(QuotaScopes.inScope(List.of("BestEffort"), null, burstable()));
    assertTrue(QuotaScopes.inScope(List.of("NotBestEffort", "Terminating"), null, burstable()));
    assertTrue(QuotaScopes.isBestEffort(bestEffort()));
    assertFalse(QuotaScopes.isBestEffort(burstable()));
  }

  @Test
  void scopeSelectorOperators() {
    assertTrue(QuotaScopes.inScope(null, List.of(req("PriorityClass", "In", "high", "low")), burstable()));
    assertFalse(QuotaScopes.inScope(null, List.of(req("PriorityClass", "NotIn", "high")), burstable()));
    assertTrue(QuotaScopes.inScope(null, List.of(req("PriorityClass", "NotIn", "high")), bestEffort()));
    assertTrue(QuotaScopes.inScope(null, List.of(req("PriorityClass", "Exists")), burstable()));
    assertTrue(QuotaScopes.inScope(null, List.of(req("PriorityClass", "DoesNotExist")), bestEffort()));
    assertTrue(QuotaScopes.inScope(null, List.of(req("Terminating", "DoesNotExist")), bestEffort()));
    assertTrue(QuotaScopes.inScope(new ResourceQuotaSpecBuilder().withNewScopeSelector()
        .withMatchExpressions(req("BestEffort", "Exists")).endScopeSelector().build(), bestEffort()));
  }
}
