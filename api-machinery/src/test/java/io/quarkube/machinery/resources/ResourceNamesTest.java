package io.quarkube.machinery.resources;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Upstream's IsExtendedResourceName and the huge-page prefix. */
class ResourceNamesTest {
  @Test
  void extendedNamesAreDomainQualifiedOutsideKubernetesIo() {
    assertTrue(ResourceNames.isExtended("example.com/dongle"));
    assertTrue(ResourceNames.isExtended("nvidia.com/gpu"));
    assertTrue(ResourceNames.isExtended("notkubernetes.io/x"), "only kubernetes.io and its subdomains are native");
    assertFalse(ResourceNames.isExtended("cpu"));
    assertFalse(ResourceNames.isExtended("kubernetes.io/something"));
    assertFalse(ResourceNames.isExtended("storage.kubernetes.io/x"));
    assertFalse(ResourceNames.isExtended("requests.example.com/dongle"), "a quota name, not a resource");
    assertFalse(ResourceNames.isExtended("/x"));
  }

  @Test
  void hugePagesByPrefix() {
    assertTrue(ResourceNames.isHugePages("hugepages-2Mi"));
    assertFalse(ResourceNames.isHugePages("memory"));
  }
}
