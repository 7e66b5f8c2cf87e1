package io.quarkube.machinery.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuantitiesTest {
  @Test
  void valuesAreCoresBytesAndCounts() {
    assertEquals(0, new BigDecimal("0.5").compareTo(Quantities.value(new Quantity("500m"))));
    assertEquals(0, BigDecimal.valueOf(128L * 1024 * 1024).compareTo(Quantities.value(new Quantity("128Mi"))));
    assertEquals(0, BigDecimal.valueOf(2000).compareTo(Quantities.value(new Quantity("2k"))));
    assertEquals(BigDecimal.ZERO, Quantities.value(null));
  }

  @Test
  void quantitiesPrintLikeUpstream() {
    assertEquals("500m", Quantities.format("requests.cpu", new BigDecimal("0.5")));
    assertEquals("2", Quantities.format("cpu", new BigDecimal("2")));
    assertEquals("2", Quantities.format("limits.cpu", new BigDecimal("2.000")));
    assertEquals("1m", Quantities.format("cpu", new BigDecimal("0.0001")), "cpu rounds up to a milli-core");
    assertEquals("128Mi", Quantities.format("limits.memory", BigDecimal.valueOf(128L * 1024 * 1024)));
    assertEquals("1000", Quantities.format("requests.memory", BigDecimal.valueOf(1000)));
    assertEquals("2Gi", Quantities.format("gold.storageclass.storage.k8s.io/requests.storage",
        BigDecimal.valueOf(2L * 1024 * 1024 * 1024)));
    assertEquals("3", Quantities.format("pods", BigDecimal.valueOf(3)));
    assertEquals("0", Quantities.format("requests.cpu", BigDecimal.ZERO));
  }

  @Test
  void toQuantitiesSortsByNameAndPrintsEachByItsResource() {
    Map<String, BigDecimal> amounts = new LinkedHashMap<>();
    amounts.put("pods", BigDecimal.valueOf(2));
    amounts.put("limits.memory", BigDecimal.valueOf(1024));
    amounts.put("cpu", new BigDecimal("1.5"));
    Map<String, Quantity> q = Quantities.toQuantities(amounts);
    assertEquals(List.of("cpu", "limits.memory", "pods"), List.copyOf(q.keySet()));
    assertEquals("1500m", q.get("cpu").toString());
    assertEquals("1Ki", q.get("limits.memory").toString());
    assertEquals("2", q.get("pods").toString());
  }

  @Test
  void sameAmountsComparesByValue() {
    assertTrue(Quantities.sameAmounts(Map.of("cpu", new Quantity("1000m")), Map.of("cpu", new Quantity("1"))));
    assertTrue(Quantities.sameAmounts(null, Map.of()));
    assertFalse(Quantities.sameAmounts(Map.of("cpu", new Quantity("1")), Map.of("cpu", new Quantity("2"))));
    assertFalse(Quantities.sameAmounts(Map.of("cpu", new Quantity("1")), Map.of("memory", new Quantity("1"))));
  }
}
