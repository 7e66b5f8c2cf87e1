package io.quarkube.kubelet.volumes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8s.cri.runtime.v1.Mount;
import io.k8s.cri.runtime.v1.MountPropagation;
import io.quarkube.kubelet.objects.PodObjects;
import io.quarkube.kubelet.runtime.EnvResolver;
import io.quarkube.kubelet.runtime.PodDirs;
import io.quarkube.kubelet.volumes.AtomicWriter.Payload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Prepares a pod's volumes on the node and turns its volumeMounts into CRI mounts. Content volumes (configMap, secret,
 * downwardAPI, projected) are rewritten on every sync through {@link AtomicWriter}, so running pods see updates.
 */
public final class VolumeManager {
  private static final Logger LOG = Logger.getLogger(VolumeManager.class);
  private static final int DEFAULT_MODE = 0644;

  private final KubernetesClient client;
  /** ConfigMaps and Secrets from their watches: read at every sync of every pod, so never GET. */
  private final PodObjects objects;
  private final PodDirs dirs;
  /** Resolves resourceFieldRef files; knows the node's allocatable, the value of a limit the container leaves unset. */
  private final EnvResolver resources;
  /** Service account tokens by pod uid + volume + path, refreshed at 80 % of their life. */
  private final Map<String, CachedToken> tokens = new ConcurrentHashMap<>();

  private record CachedToken(String token, Instant refreshAt) {}

  /** @param nodeAllocatable the node's allocatable, as its Node status reports it */
  public VolumeManager(KubernetesClient client, PodObjects objects, PodDirs dirs,
      Map<String, Quantity> nodeAllocatable) {
    this.client = client;
    this.objects = objects;
    this.dirs = dirs;
    this.resources = new EnvResolver(null, nodeAllocatable);
  }

  /** A volume could not be set up (FailedMount). */
  public static final class VolumeException extends Exception {
    public VolumeException(String message) {
      super(message);
    }
  }

  /** Sets up (or refreshes) every volume of the pod; returns each volume's path on the host. */
  public Map<String, Path> setUp(Pod pod, String podIp, String hostIp) throws VolumeException {
    Map<String, Path> paths = new LinkedHashMap<>();
    if (pod.getSpec().getVolumes() == null) {
      return paths;
    }
    String uid = pod.getMetadata().getUid();
    for (Volume v : pod.getSpec().getVolumes()) {
      try {
        paths.put(v.getName(), setUp(pod, uid, v, podIp, hostIp));
      } catch (IOException | RuntimeException e) {
        throw new VolumeException("MountVolume.SetUp failed for volume \"" + v.getName() + "\" : " + e.getMessage());
      }
    }
    return paths;
  }

  private Path setUp(Pod pod, String uid, Volume v, String podIp, String hostIp) throws IOException, VolumeException {
    String ns = pod.getMetadata().getNamespace();
    if (v.getHostPath() != null) {
      return HostPaths.prepare(Path.of(v.getHostPath().getPath()), v.getHostPath().getType());
    }
    if (v.getEmptyDir() != null) {
      Path dir = dirs.volumesDir(uid).resolve("kubernetes.io~empty-dir").resolve(v.getName());
      Files.createDirectories(dir);
      if ("Memory".equals(v.getEmptyDir().getMedium()) && !isMountPoint(dir)) {
        String size = v.getEmptyDir().getSizeLimit() == null ? ""
            : ",size=" + v.getEmptyDir().getSizeLimit().getNumericalAmount().longValue();
        run("mount", "-t", "tmpfs", "-o", "mode=0777" + size, "tmpfs", dir.toString());
      } else {
        Files.setPosixFilePermissions(dir, AtomicWriter.permissions(0777));
      }
      return dir;
    }
    if (v.getConfigMap() != null) {
      var source = v.getConfigMap();
      Path dir = dirs.volumesDir(uid).resolve("kubernetes.io~configmap").resolve(v.getName());
      ConfigMap cm = objects.configMap(ns, source.getName());
      if (cm == null && !Boolean.TRUE.equals(source.getOptional())) {
        throw new VolumeException("configmap \"" + source.getName() + "\" not found");
      }
      int mode = source.getDefaultMode() == null ? DEFAULT_MODE : source.getDefaultMode();
      writeContent(pod, dir, configMapFiles(cm, source.getItems(), mode, Boolean.TRUE.equals(source.getOptional())));
      return dir;
    }
    if (v.getSecret() != null) {
      var source = v.getSecret();
      Path dir = dirs.volumesDir(uid).resolve("kubernetes.io~secret").resolve(v.getName());
      Secret secret = objects.secret(ns, source.getSecretName());
      if (secret == null && !Boolean.TRUE.equals(source.getOptional())) {
        throw new VolumeException("secret \"" + source.getSecretName() + "\" not found");
      }
      int mode = source.getDefaultMode() == null ? DEFAULT_MODE : source.getDefaultMode();
      writeContent(pod, dir, secretFiles(secret, source.getItems(), mode, Boolean.TRUE.equals(source.getOptional())));
      return dir;
    }
    if (v.getDownwardAPI() != null) {
      Path dir = dirs.volumesDir(uid).resolve("kubernetes.io~downward-api").resolve(v.getName());
      int mode = v.getDownwardAPI().getDefaultMode() == null ? DEFAULT_MODE : v.getDownwardAPI().getDefaultMode();
      writeContent(pod, dir, downwardFiles(pod, v.getDownwardAPI().getItems(), mode, podIp, hostIp));
      return dir;
    }
    if (v.getProjected() != null) {
      Path dir = dirs.volumesDir(uid).resolve("kubernetes.io~projected").resolve(v.getName());
      int mode = v.getProjected().getDefaultMode() == null ? DEFAULT_MODE : v.getProjected().getDefaultMode();
      Map<String, Payload> files = new LinkedHashMap<>();
      for (VolumeProjection p : v.getProjected().getSources()) {
        if (p.getConfigMap() != null) {
          var s = p.getConfigMap();
          ConfigMap cm = objects.configMap(ns, s.getName());
          if (cm == null && !Boolean.TRUE.equals(s.getOptional())) {
            throw new VolumeException("configmap \"" + s.getName() + "\" not found");
          }
          files.putAll(configMapFiles(cm, s.getItems(), mode, Boolean.TRUE.equals(s.getOptional())));
        }
        if (p.getSecret() != null) {
          var s = p.getSecret();
          Secret secret = objects.secret(ns, s.getName());
          if (secret == null && !Boolean.TRUE.equals(s.getOptional())) {
            throw new VolumeException("secret \"" + s.getName() + "\" not found");
          }
          files.putAll(secretFiles(secret, s.getItems(), mode, Boolean.TRUE.equals(s.getOptional())));
        }
        if (p.getDownwardAPI() != null) {
          files.putAll(downwardFiles(pod, p.getDownwardAPI().getItems(), mode, podIp, hostIp));
        }
        if (p.getServiceAccountToken() != null) {
          ServiceAccountTokenProjection t = p.getServiceAccountToken();
          // As upstream: the volume's mode, except that with an fsUser or fsGroup only the owner reads the token
          // (the fsGroup's read bit is added by the ownership), and the file belongs to the fsUser.
          Long fsUser = VolumeOwnership.fsUser(pod);
          boolean owned = fsUser != null || VolumeOwnership.readOnlyFor(pod) != null;
          files.put(t.getPath(), new Payload(token(pod, v.getName(), t).getBytes(StandardCharsets.UTF_8),
              owned ? 0600 : mode, fsUser == null ? null : fsUser.intValue()));
        }
      }
      writeContent(pod, dir, files);
      return dir;
    }
    if (v.getPersistentVolumeClaim() != null) {
      return persistentVolume(ns, v.getPersistentVolumeClaim().getClaimName());
    }
    throw new VolumeException("volume type not supported on this node");
  }

  /**
   * Writes a content volume (configMap, secret, downwardAPI, projected), given to the pod's fsGroup when it has one.
   * The files' modes already carry the group bits the ownership adds, so an unchanged volume compares equal and is
   * not rewritten at the next sync.
   */
  private static void writeContent(Pod pod, Path dir, Map<String, Payload> files) throws IOException {
    VolumeOwnership ownership = VolumeOwnership.readOnlyFor(pod);
    if (ownership == null) {
      AtomicWriter.write(dir, files);
      return;
    }
    Map<String, Payload> owned = new LinkedHashMap<>();
    files.forEach((path, p) -> owned.put(path, new Payload(p.content(), ownership.fileMode(p.mode()), p.uid())));
    AtomicWriter.write(dir, owned, ownership::apply);
  }

  private Path persistentVolume(String ns, String claimName) throws VolumeException, IOException {
    PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(ns).withName(claimName).get();
    if (claim == null) {
      throw new VolumeException("persistentvolumeclaim \"" + claimName + "\" not found");
    }
    String volumeName = claim.getSpec().getVolumeName();
    if (volumeName == null || volumeName.isEmpty()) {
      throw new VolumeException("persistentvolumeclaim \"" + claimName + "\" is not bound");
    }
    PersistentVolume pv = client.persistentVolumes().withName(volumeName).get();
    if (pv == null) {
      throw new VolumeException("persistentvolume \"" + volumeName + "\" not found");
    }
    if (pv.getSpec().getHostPath() != null) {
      return HostPaths.prepare(Path.of(pv.getSpec().getHostPath().getPath()), "DirectoryOrCreate");
    }
    if (pv.getSpec().getLocal() != null) {
      return HostPaths.prepare(Path.of(pv.getSpec().getLocal().getPath()), "Directory");
    }
    throw new VolumeException("persistentvolume \"" + volumeName + "\" has no hostPath or local source");
  }

  private String token(Pod pod, String volume, ServiceAccountTokenProjection projection) {
    String key = pod.getMetadata().getUid() + "/" + volume + "/" + projection.getPath();
    CachedToken cached = tokens.get(key);
    if (cached != null && Instant.now().isBefore(cached.refreshAt())) {
      return cached.token();
    }
    long seconds = projection.getExpirationSeconds() == null ? 3607 : projection.getExpirationSeconds();
    String sa = pod.getSpec().getServiceAccountName() == null ? "default" : pod.getSpec().getServiceAccountName();
    TokenRequest request = new TokenRequestBuilder().withNewSpec()
        .withAudiences(projection.getAudience() == null || projection.getAudience().isEmpty() ? List.of()
            : List.of(projection.getAudience()))
        .withExpirationSeconds(seconds)
        .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod").withName(pod.getMetadata().getName())
        .withUid(pod.getMetadata().getUid()).endBoundObjectRef()
        .endSpec().build();
    try {
      TokenRequest answer = client.serviceAccounts().inNamespace(pod.getMetadata().getNamespace()).withName(sa)
          .tokenRequest(request);
      String token = answer.getStatus().getToken();
      tokens.put(key, new CachedToken(token, Instant.now().plus(Duration.ofSeconds(seconds * 8 / 10))));
      return token;
    } catch (RuntimeException e) {
      // The API server may not offer TokenRequest yet: the pod still runs, without a token; retried next sync.
      LOG.debugf("token request for %s/%s failed: %s", pod.getMetadata().getNamespace(), sa, e.getMessage());
      tokens.put(key, new CachedToken("", Instant.now().plus(Duration.ofSeconds(30))));
      return "";
    }
  }

  static Map<String, Payload> configMapFiles(ConfigMap cm, List<KeyToPath> items, int mode, boolean optional)
      throws VolumeException {
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (cm != null) {
      if (cm.getData() != null) {
        cm.getData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
      }
      if (cm.getBinaryData() != null) {
        cm.getBinaryData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
      }
    }
    return project(data, items, mode, optional, "configmap");
  }

  static Map<String, Payload> secretFiles(Secret secret, List<KeyToPath> items, int mode, boolean optional)
      throws VolumeException {
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (secret != null) {
      if (secret.getData() != null) {
        secret.getData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
      }
      if (secret.getStringData() != null) {
        secret.getStringData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
      }
    }
    return project(data, items, mode, optional, "secret");
  }

  private static Map<String, Payload> project(Map<String, byte[]> data, List<KeyToPath> items, int mode,
      boolean optional, String kind) throws VolumeException {
    Map<String, Payload> files = new LinkedHashMap<>();
    if (items == null || items.isEmpty()) {
      data.forEach((k, v) -> files.put(k, new Payload(v, mode)));
      return files;
    }
    for (KeyToPath item : items) {
      byte[] value = data.get(item.getKey());
      if (value == null) {
        if (optional) {
          continue;
        }
        throw new VolumeException("configured to use key " + item.getKey() + " but the " + kind + " has no such key");
      }
      files.put(item.getPath(), new Payload(value, item.getMode() == null ? mode : item.getMode()));
    }
    return files;
  }

  private Map<String, Payload> downwardFiles(Pod pod, List<DownwardAPIVolumeFile> items, int mode, String podIp,
      String hostIp) {
    Map<String, Payload> files = new LinkedHashMap<>();
    if (items == null) {
      return files;
    }
    for (DownwardAPIVolumeFile item : items) {
      String value = "";
      if (item.getFieldRef() != null) {
        value = EnvResolver.fieldValue(pod, item.getFieldRef().getFieldPath(), podIp, hostIp);
      } else if (item.getResourceFieldRef() != null) {
        Container c = pod.getSpec().getContainers().stream()
            .filter(x -> x.getName().equals(item.getResourceFieldRef().getContainerName())).findFirst()
            .orElse(pod.getSpec().getContainers().get(0));
        value = resources.resourceValue(pod, c, item.getResourceFieldRef());
      }
      files.put(item.getPath(), new Payload(value.getBytes(StandardCharsets.UTF_8),
          item.getMode() == null ? mode : item.getMode()));
    }
    return files;
  }

  /**
   * The CRI mounts of a container, from its volumeMounts and the volumes' host paths; {@code env} is the container's
   * resolved environment, which subPathExpr expands from.
   */
  public static List<Mount> mounts(Container container, Map<String, Path> volumes, Map<String, String> env)
      throws VolumeException {
    List<Mount> mounts = new ArrayList<>();
    if (container.getVolumeMounts() == null) {
      return mounts;
    }
    for (VolumeMount vm : container.getVolumeMounts()) {
      Path host = volumes.get(vm.getName());
      if (host == null) {
        throw new VolumeException("volume \"" + vm.getName() + "\" of container " + container.getName()
            + " is not in the pod's volumes");
      }
      String subPath = SubPathExpr.subPath(vm, env);
      if (!subPath.isEmpty()) {
        host = SubPaths.resolve(host, subPath);
      }
      MountPropagation propagation = switch (vm.getMountPropagation() == null ? "" : vm.getMountPropagation()) {
        case "HostToContainer" -> MountPropagation.PROPAGATION_HOST_TO_CONTAINER;
        case "Bidirectional" -> MountPropagation.PROPAGATION_BIDIRECTIONAL;
        default -> MountPropagation.PROPAGATION_PRIVATE;
      };
      mounts.add(Mount.newBuilder().setContainerPath(vm.getMountPath()).setHostPath(host.toString())
          .setReadonly(Boolean.TRUE.equals(vm.getReadOnly())).setPropagation(propagation).build());
    }
    return mounts;
  }

  /** Unmounts memory-backed volumes and deletes the pod's folder. */
  public void tearDown(String uid) {
    Path podDir = dirs.podDir(uid);
    tokens.keySet().removeIf(k -> k.startsWith(uid + "/"));
    if (!Files.exists(podDir)) {
      return;
    }
    Path emptyDirs = dirs.volumesDir(uid).resolve("kubernetes.io~empty-dir");
    if (Files.isDirectory(emptyDirs)) {
      try (Stream<Path> list = Files.list(emptyDirs)) {
        for (Path dir : list.toList()) {
          if (isMountPoint(dir)) {
            run("umount", dir.toString());
          }
        }
      } catch (IOException e) {
        LOG.warnf("cannot list %s: %s", emptyDirs, e.getMessage());
      }
    }
    try {
      AtomicWriter.deleteTree(podDir);
    } catch (IOException e) {
      LOG.warnf("cannot remove %s: %s", podDir, e.getMessage());
    }
  }

  static boolean isMountPoint(Path dir) {
    try {
      String target = dir.toRealPath().toString();
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] fields = line.split(" ");
        if (fields.length > 4 && fields[4].equals(target)) {
          return true;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  static void run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + ": " + out.trim());
      }
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
