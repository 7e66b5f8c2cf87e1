package io.quarkube.kubelet.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.k8s.cri.runtime.v1.AuthConfig;
import io.k8s.cri.runtime.v1.Image;
import io.k8s.cri.runtime.v1.ImageSpec;
import io.k8s.cri.runtime.v1.ImageStatusRequest;
import io.k8s.cri.runtime.v1.ListImagesRequest;
import io.k8s.cri.runtime.v1.PodSandboxConfig;
import io.k8s.cri.runtime.v1.PullImageRequest;
import io.quarkube.kubelet.cri.CriClient;
import io.quarkube.kubelet.objects.PodObjects;
import io.quarkube.machinery.images.ImageNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pulls images through the CRI ImageService with upstream's pull policies and imagePullSecrets. Only the local
 * registry (and docker.io, which containerd resolves through it) is pulled from, unless remote registries are allowed:
 * nothing is ever fetched from outside this machine by default.
 */
public final class ImageManager {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CriClient cri;
  /** The pods' Secrets from their watches (null: no pull secrets, as for tests without an API server). */
  private final PodObjects objects;
  private final Set<String> allowedRegistries;
  private final boolean allowRemote;

  public ImageManager(CriClient cri, PodObjects objects, Optional<String> localRegistry, boolean allowRemote) {
    this.cri = cri;
    this.objects = objects;
    this.allowRemote = allowRemote;
    this.allowedRegistries = localRegistry.map(r -> Set.of("docker.io", r, r.replace("127.0.0.1", "localhost")))
        .orElse(Set.of("docker.io"));
  }

  /** The outcome of {@link #ensure}: the image's reference (ID) when present, or why it is not. */
  public record Result(String imageRef, boolean pulled, String reason, String message) {
    public boolean ok() {
      return imageRef != null;
    }
  }

  /** The image's ID if the runtime has it. */
  public Optional<String> present(String image) {
    Image status = cri.images().imageStatus(ImageStatusRequest.newBuilder()
        .setImage(ImageSpec.newBuilder().setImage(ImageNames.normalize(image))).build()).getImage();
    return status.getId().isEmpty() ? Optional.empty() : Optional.of(status.getId());
  }

  /** What the runtime knows of an image (its user, for the runAsNonRoot check), if it has it. */
  public Optional<Image> status(String image) {
    Image status = cri.images().imageStatus(ImageStatusRequest.newBuilder()
        .setImage(ImageSpec.newBuilder().setImage(image)).build()).getImage();
    return status.getId().isEmpty() ? Optional.empty() : Optional.of(status);
  }

  /** The policy the API server would default: Always for :latest or no tag, else IfNotPresent. */
  public static String pullPolicy(Container container) {
    if (container.getImagePullPolicy() != null && !container.getImagePullPolicy().isEmpty()) {
      return container.getImagePullPolicy();
    }
    return ImageNames.tag(container.getImage()).equals("latest") ? "Always" : "IfNotPresent";
  }

  /** Makes sure the container's image is there, pulling it as its policy says. */
  public Result ensure(Pod pod, Container container, PodSandboxConfig sandbox) {
    String image = container.getImage();
    if (image == null || image.isBlank()) {
      return new Result(null, false, "InvalidImageName", "no image given");
    }
    String normalized = ImageNames.normalize(image);
    String policy = pullPolicy(container);
    Optional<String> present = present(image);
    if (policy.equals("Never")) {
      return present.map(id -> new Result(id, false, null, null)).orElseGet(() -> new Result(null, false,
          "ErrImageNeverPull", "Container image \"" + image + "\" is not present with pull policy of Never"));
    }
    if (policy.equals("IfNotPresent") && present.isPresent()) {
      return new Result(present.get(), false, null, null);
    }
    String registry = ImageNames.registry(normalized);
    if (!allowRemote && !allowedRegistries.contains(registry)) {
      if (present.isPresent()) {
        // Imported by hand: use what is there rather than reach out.
        return new Result(present.get(), false, null, null);
      }
      return new Result(null, false, "ErrImagePull", "registry " + registry + " is not reachable from this node: "
          + "images come only from the local registry (./quarkube image push) or docker.io names served by it");
    }
    PullImageRequest.Builder request = PullImageRequest.newBuilder()
        .setImage(ImageSpec.newBuilder().setImage(normalized))
        .setSandboxConfig(sandbox);
    authFor(pod, registry).ifPresent(request::setAuth);
    try {
      String ref = cri.images(CriClient.PULL_TIMEOUT).pullImage(request.build()).getImageRef();
      return new Result(ref, true, null, null);
    } catch (RuntimeException e) {
      return new Result(null, false, "ErrImagePull", "failed to pull image \"" + image + "\": " + e.getMessage());
    }
  }

  /** Credentials for {@code registry} from the pod's imagePullSecrets (kubernetes.io/dockerconfigjson or dockercfg). */
  Optional<AuthConfig> authFor(Pod pod, String registry) {
    List<LocalObjectReference> refs = pod.getSpec().getImagePullSecrets();
    if (refs == null || objects == null) {
      return Optional.empty();
    }
    for (LocalObjectReference ref : refs) {
      Secret secret;
      try {
        secret = objects.secret(pod.getMetadata().getNamespace(), ref.getName());
      } catch (RuntimeException e) {
        // As upstream: a pull secret that cannot be read is skipped, the pull may still work without it.
        continue;
      }
      if (secret == null || secret.getData() == null) {
        continue;
      }
      String raw = Optional.ofNullable(secret.getData().get(".dockerconfigjson"))
          .orElse(secret.getData().get(".dockercfg"));
      if (raw == null) {
        continue;
      }
      try {
        JsonNode root = JSON.readTree(Base64.getDecoder().decode(raw));
        JsonNode auths = root.has("auths") ? root.get("auths") : root;
        Iterator<Map.Entry<String, JsonNode>> fields = auths.fields();
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> entry = fields.next();
          if (!matches(entry.getKey(), registry)) {
            continue;
          }
          JsonNode auth = entry.getValue();
          AuthConfig.Builder config = AuthConfig.newBuilder().setServerAddress(registry);
          if (auth.hasNonNull("username")) {
            config.setUsername(auth.get("username").asText());
          }
          if (auth.hasNonNull("password")) {
            config.setPassword(auth.get("password").asText());
          }
          if (auth.hasNonNull("auth")) {
            String decoded = new String(Base64.getDecoder().decode(auth.get("auth").asText()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon > 0) {
              config.setUsername(decoded.substring(0, colon)).setPassword(decoded.substring(colon + 1));
            }
          }
          return Optional.of(config.build());
        }
      } catch (Exception malformed) {
        // a malformed pull secret is skipped, as upstream does
      }
    }
    return Optional.empty();
  }

  private static boolean matches(String key, String registry) {
    String host = key.replaceFirst("^https?://", "");
    int slash = host.indexOf('/');
    if (slash >= 0) {
      host = host.substring(0, slash);
    }
    if (host.equals("index.docker.io") || host.equals("registry-1.docker.io")) {
      host = "docker.io";
    }
    return host.equals(registry);
  }

  /** Images in the runtime (for the Node's status.images). */
  public List<Image> list() {
    return new ArrayList<>(cri.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList());
  }
}
