package io.quarkube.scheduler.util;

/**
 * Image references in one canonical spelling, so a pod's {@code busybox} meets the node status's
 * {@code docker.io/library/busybox:latest} (what containerd reports). Upstream's ImageLocality only appends
 * {@code :latest} (and leaves implicit registries as a TODO); this also completes the registry and the
 * {@code library/} namespace as the container runtime does when it pulls.
 */
public final class ImageNames {
  private static final String DEFAULT_REGISTRY = "docker.io";

  private ImageNames() {}

  public static String normalize(String image) {
    if (image == null || image.isEmpty()) {
      return "";
    }
    String name = image;
    int slash = name.indexOf('/');
    String first = slash < 0 ? "" : name.substring(0, slash);
    // The first component names a registry only when it looks like a host (a dot, a port or localhost).
    boolean hasRegistry = slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
    if (!hasRegistry) {
      name = DEFAULT_REGISTRY + "/" + name;
    } else if (first.equals("index.docker.io")) {
      name = DEFAULT_REGISTRY + name.substring(slash);
    }
    if (name.startsWith(DEFAULT_REGISTRY + "/") && name.indexOf('/', DEFAULT_REGISTRY.length() + 1) < 0) {
      name = DEFAULT_REGISTRY + "/library/" + name.substring(DEFAULT_REGISTRY.length() + 1);
    }
    // No tag (a ':' after the last '/') and no digest: the runtime pulls :latest.
    if (name.indexOf('@') < 0 && name.lastIndexOf(':') <= name.lastIndexOf('/')) {
      name = name + ":latest";
    }
    return name;
  }
}
