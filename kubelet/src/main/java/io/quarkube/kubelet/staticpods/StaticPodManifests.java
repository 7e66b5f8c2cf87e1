package io.quarkube.kubelet.staticpods;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Reads static pod manifests (one Pod per {@code .yaml}, {@code .yml} or {@code .json} file; dot files are skipped, as
 * upstream's file source does) and gives each the defaults upstream's kubelet gives them: name {@code <name>-<node>},
 * namespace {@code default} when none, bound to this node, and a UID that is a hash of the manifest, so an edited
 * file is a new pod (the old one is stopped) and an untouched file keeps its pod across kubelet restarts.
 */
public final class StaticPodManifests {
  private static final Logger LOG = Logger.getLogger(StaticPodManifests.class);
  public static final String CONFIG_SOURCE = "kubernetes.io/config.source";
  public static final String CONFIG_HASH = "kubernetes.io/config.hash";
  public static final String CONFIG_MIRROR = "kubernetes.io/config.mirror";
  public static final String CONFIG_SEEN = "kubernetes.io/config.seen";

  private StaticPodManifests() {}

  /** Whether this pod came from a manifest file (not from the API server). */
  public static boolean isStatic(Pod pod) {
    Map<String, String> a = pod.getMetadata().getAnnotations();
    return a != null && "file".equals(a.get(CONFIG_SOURCE));
  }

  /** Whether this API object is the mirror of a static pod. */
  public static boolean isMirror(Pod pod) {
    Map<String, String> a = pod.getMetadata().getAnnotations();
    return a != null && a.containsKey(CONFIG_MIRROR);
  }

  /** Every valid manifest in {@code dir}, keyed by the file it came from. Broken files are logged and skipped. */
  public static Map<Path, Pod> read(Path dir, String nodeName) {
    Map<Path, Pod> result = new LinkedHashMap<>();
    if (!Files.isDirectory(dir)) {
      return result;
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> list = Files.list(dir)) {
      list.filter(Files::isRegularFile).filter(StaticPodManifests::isManifestName).sorted().forEach(files::add);
    } catch (IOException e) {
      LOG.warnf("cannot list %s: %s", dir, e.getMessage());
      return result;
    }
    for (Path file : files) {
      try {
        result.put(file, parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), nodeName));
      } catch (IOException | RuntimeException e) {
        LOG.warnf("static pod manifest %s skipped: %s", file, e.getMessage());
      }
    }
    return result;
  }

  static boolean isManifestName(Path file) {
    String name = file.getFileName().toString();
    return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
  }

  /** One manifest (YAML or JSON) as the pod the kubelet runs. */
  public static Pod parse(String text, String source, String nodeName) {
    Pod pod = Serialization.unmarshal(text, Pod.class);
    if (pod == null || pod.getKind() != null && !"Pod".equals(pod.getKind())) {
      throw new IllegalArgumentException("not a Pod: " + (pod == null ? "empty" : pod.getKind()));
    }
    if (pod.getMetadata() == null || pod.getMetadata().getName() == null || pod.getMetadata().getName().isEmpty()) {
      throw new IllegalArgumentException("metadata.name is required");
    }
    if (pod.getSpec() == null || pod.getSpec().getContainers() == null || pod.getSpec().getContainers().isEmpty()) {
      throw new IllegalArgumentException("spec.containers is required");
    }
    ObjectMeta meta = pod.getMetadata();
    if (meta.getNamespace() == null || meta.getNamespace().isEmpty()) {
      meta.setNamespace("default");
    }
    String hash = hash(text, source, nodeName);
    meta.setName(meta.getName() + "-" + nodeName);
    meta.setUid(hash);
    meta.setResourceVersion(null);
    Map<String, String> annotations = meta.getAnnotations() == null ? new LinkedHashMap<>()
        : new LinkedHashMap<>(meta.getAnnotations());
    annotations.put(CONFIG_HASH, hash);
    annotations.put(CONFIG_SOURCE, "file");
    meta.setAnnotations(annotations);
    pod.getSpec().setNodeName(nodeName);
    if (pod.getSpec().getRestartPolicy() == null) {
      pod.getSpec().setRestartPolicy("Always");
    }
    pod.setStatus(null);
    return pod;
  }

  /** The pod's identity: what the file says, where it is and which node reads it (upstream hashes the same). */
  static String hash(String text, String source, String nodeName) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(text.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(source.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(nodeName.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest()).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
