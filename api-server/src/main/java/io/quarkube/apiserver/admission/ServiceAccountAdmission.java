package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.ConfigMapProjection;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIProjection;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ProjectedVolumeSource;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.quarkube.apiserver.registry.Registry;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Upstream's ServiceAccount admission: a pod runs as {@code default} unless it names an account, the account must
 * exist, and unless automounting is switched off the pod gets the projected {@code kube-api-access-*} volume (a
 * bound token, the cluster CA and its namespace) mounted in every container at the well-known path.
 */
public final class ServiceAccountAdmission implements AdmissionPlugin {
  public static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
  static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int DEFAULT_ACCOUNT_ATTEMPTS = 10;

  private final Registry registry;

  private final CachedReads serviceAccounts;

  public ServiceAccountAdmission(Registry registry, CachedReads serviceAccounts) {
    this.serviceAccounts = serviceAccounts;
    this.registry = registry;
  }

  @Override
  public String name() {
    return "ServiceAccount";
  }

  @Override
  public void admit(AdmissionRequest r) {
    if (!AdmissionErrors.isPodCreate(r)) {
      return;
    }
    Pod pod = (Pod) r.object();
    if (pod.getSpec() == null) {
      return;
    }
    if (pod.getMetadata().getAnnotations() != null
        && pod.getMetadata().getAnnotations().containsKey(MIRROR_ANNOTATION)) {
      // Mirror pods of static pods get no account (and may not reference API objects).
      return;
    }
    PodSpec spec = pod.getSpec();
    String name = spec.getServiceAccountName();
    if (name == null || name.isEmpty()) {
      name = spec.getServiceAccount() != null && !spec.getServiceAccount().isEmpty() ? spec.getServiceAccount()
          : "default";
    }
    spec.setServiceAccountName(name);
    spec.setServiceAccount(name);
    final String account = name;
    Optional<HasMetadata> found = lookup(r.namespace(), account);
    if (found.isEmpty()) {
      throw AdmissionErrors.forbidden(r, "error looking up service account " + r.namespace() + "/" + account
          + ": serviceaccount \"" + account + "\" not found");
    }
    ServiceAccount sa = (ServiceAccount) found.get();
    if ((spec.getImagePullSecrets() == null || spec.getImagePullSecrets().isEmpty())
        && sa.getImagePullSecrets() != null && !sa.getImagePullSecrets().isEmpty()) {
      spec.setImagePullSecrets(new ArrayList<>(sa.getImagePullSecrets()));
    }
    boolean automount = spec.getAutomountServiceAccountToken() != null ? spec.getAutomountServiceAccountToken()
        : sa.getAutomountServiceAccountToken() == null || sa.getAutomountServiceAccountToken();
    if (!automount || alreadyMounted(spec)) {
      return;
    }
    String volume = "kube-api-access-" + randomSuffix();
    List<Volume> volumes = spec.getVolumes() == null ? new ArrayList<>() : new ArrayList<>(spec.getVolumes());
    volumes.add(tokenVolume(volume));
    spec.setVolumes(volumes);
    VolumeMount mount = new VolumeMountBuilder().withName(volume).withMountPath(MOUNT_PATH).withReadOnly(true)
        .build();
    addMount(spec.getContainers(), mount);
    addMount(spec.getInitContainers(), mount);
  }

  /**
   * The account; like upstream, the {@code default} account is looked for up to ten times, 100 ms apart, so that a
   * pod created right after its namespace does not lose the race with the service-account controller.
   */
  private Optional<HasMetadata> lookup(String namespace, String account) {
    int attempts = "default".equals(account) ? DEFAULT_ACCOUNT_ATTEMPTS : 1;
    for (int i = 0; ; i++) {
      Optional<HasMetadata> found = serviceAccounts.find(namespace, account);
      if (found.isPresent() || i + 1 >= attempts) {
        return found;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return found;
      }
    }
  }

  /**
   * The volume upstream adds: token (3607 s, refreshed by the kubelet), kube-root-ca.crt, namespace. Built with
   * setters rather than Fabric8's nested builders: each nested builder's {@code end...()} copies everything built so
   * far, which made this volume 8 % of a pod create's CPU.
   */
  static Volume tokenVolume(String name) {
    ServiceAccountTokenProjection token = new ServiceAccountTokenProjection();
    token.setExpirationSeconds(3607L);
    token.setPath("token");
    KeyToPath caItem = new KeyToPath();
    caItem.setKey("ca.crt");
    caItem.setPath("ca.crt");
    ConfigMapProjection ca = new ConfigMapProjection();
    ca.setName("kube-root-ca.crt");
    ca.setItems(new ArrayList<>(List.of(caItem)));
    ObjectFieldSelector namespaceField = new ObjectFieldSelector();
    namespaceField.setApiVersion("v1");
    namespaceField.setFieldPath("metadata.namespace");
    DownwardAPIVolumeFile namespaceItem = new DownwardAPIVolumeFile();
    namespaceItem.setPath("namespace");
    namespaceItem.setFieldRef(namespaceField);
    DownwardAPIProjection namespace = new DownwardAPIProjection();
    namespace.setItems(new ArrayList<>(List.of(namespaceItem)));
    VolumeProjection tokenSource = new VolumeProjection();
    tokenSource.setServiceAccountToken(token);
    VolumeProjection caSource = new VolumeProjection();
    caSource.setConfigMap(ca);
    VolumeProjection namespaceSource = new VolumeProjection();
    namespaceSource.setDownwardAPI(namespace);
    ProjectedVolumeSource projected = new ProjectedVolumeSource();
    projected.setDefaultMode(420);
    projected.setSources(new ArrayList<>(List.of(tokenSource, caSource, namespaceSource)));
    Volume volume = new Volume();
    volume.setName(name);
    volume.setProjected(projected);
    return volume;
  }

  private static boolean alreadyMounted(PodSpec spec) {
    List<Container> all = new ArrayList<>();
    if (spec.getContainers() != null) {
      all.addAll(spec.getContainers());
    }
    if (spec.getInitContainers() != null) {
      all.addAll(spec.getInitContainers());
    }
    for (Container c : all) {
      if (c.getVolumeMounts() != null
          && c.getVolumeMounts().stream().anyMatch(m -> MOUNT_PATH.equals(m.getMountPath()))) {
        return true;
      }
    }
    return false;
  }

  private static void addMount(List<Container> containers, VolumeMount mount) {
    if (containers == null) {
      return;
    }
    for (Container c : containers) {
      List<VolumeMount> mounts = c.getVolumeMounts() == null ? new ArrayList<>() : new ArrayList<>(c.getVolumeMounts());
      mounts.add(new VolumeMountBuilder(mount).build());
      c.setVolumeMounts(mounts);
    }
  }

  private static String randomSuffix() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
