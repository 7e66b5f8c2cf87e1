package io.quarkube.machinery.images;

/**
 * Docker-style image references, normalised as containerd and upstream show them: {@code busybox} is
 * {@code docker.io/library/busybox:latest}. The kubelet pulls and reports images by these names; the scheduler's
 * ImageLocality matches a pod's images against a node's reported ones by them (upstream only appends {@code :latest}
 * there, so {@code busybox} would not meet what containerd reports).
 */
public final class ImageNames {
  private ImageNames() {}

  /** The fully qualified reference ({@code registry/repository:tag} or {@code ...@sha256:...}); "" for none. */
  public static String normalize(String image) {
    if (image == null || image.isBlank()) {
      return "";
    }
    String name = image.trim();
    String registry = registry(name);
    String rest = namesRegistry(name) ? name.substring(name.indexOf('/') + 1) : name;
    if (registry.equals("docker.io") && !rest.contains("/")) {
      rest = "library/" + rest;
    }
    if (!rest.contains("@") && !hasTag(rest)) {
      rest = rest + ":latest";
    }
    return registry + "/" + rest;
  }

  /** The registry host of a reference (docker.io when none is named; index.docker.io is docker.io). */
  public static String registry(String image) {
    if (!namesRegistry(image)) {
      return "docker.io";
    }
    String first = image.substring(0, image.indexOf('/'));
    return first.equals("index.docker.io") ? "docker.io" : first;
  }

  /** Whether the first component is a registry host: it has a dot or a port, or is localhost. */
  private static boolean namesRegistry(String image) {
    int slash = image.indexOf('/');
    if (slash < 0) {
      return false;
    }
    String first = image.substring(0, slash);
    return first.contains(".") || first.contains(":") || first.equals("localhost");
  }

  /** Whether the reference names a tag (a ':' after the last '/'). */
  public static boolean hasTag(String image) {
    int slash = image.lastIndexOf('/');
    return image.indexOf(':', slash + 1) >= 0;
  }

  /** The tag, or "latest" when none is named (digest references have none: ""). */
  public static String tag(String image) {
    if (image.contains("@")) {
      return "";
    }
    int slash = image.lastIndexOf('/');
    int colon = image.indexOf(':', slash + 1);
    return colon < 0 ? "latest" : image.substring(colon + 1);
  }

  /** The repository part as an image digest reference shows it: {@code docker.io/library/busybox}. */
  public static String repository(String image) {
    String normalized = normalize(image);
    int at = normalized.indexOf('@');
    if (at >= 0) {
      return normalized.substring(0, at);
    }
    int slash = normalized.lastIndexOf('/');
    int colon = normalized.indexOf(':', slash + 1);
    return colon < 0 ? normalized : normalized.substring(0, colon);
  }
}
