package io.quarkube.machinery.resources;

/**
 * Kinds of compute resource names as upstream's {@code v1helper} tells them apart, for the scheduler's resource fit
 * and the quota evaluator alike.
 */
public final class ResourceNames {
  public static final String HUGEPAGES_PREFIX = "hugepages-";

  private ResourceNames() {}

  /**
   * Upstream's IsExtendedResourceName: a domain-qualified name ({@code example.com/gpu}) outside kubernetes.io and
   * its subdomains, and not a quota name ({@code requests.*}).
   */
  public static boolean isExtended(String name) {
    int slash = name.indexOf('/');
    if (slash <= 0) {
      return false;
    }
    String domain = name.substring(0, slash);
    return !domain.equals("kubernetes.io") && !domain.endsWith(".kubernetes.io") && !name.startsWith("requests.");
  }

  public static boolean isHugePages(String name) {
    return name.startsWith(HUGEPAGES_PREFIX);
  }
}
