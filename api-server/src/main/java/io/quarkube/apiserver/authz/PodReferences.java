package io.quarkube.apiserver.authz;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** The objects a pod uses by name: secrets, config maps, claims and its service account. */
public final class PodReferences {
  private PodReferences() {}

  public static Set<String> secrets(Pod pod) {
    Set<String> out = new LinkedHashSet<>();
    PodSpec spec = pod.getSpec();
    if (spec == null) {
      return out;
    }
    for (LocalObjectReference r : nn(spec.getImagePullSecrets())) {
      add(out, r.getName());
    }
    for (Volume v : nn(spec.getVolumes())) {
      if (v.getSecret() != null) {
        add(out, v.getSecret().getSecretName());
      }
      if (v.getProjected() != null) {
        for (VolumeProjection p : nn(v.getProjected().getSources())) {
          if (p.getSecret() != null) {
            add(out, p.getSecret().getName());
          }
        }
      }
      if (v.getCsi() != null && v.getCsi().getNodePublishSecretRef() != null) {
        add(out, v.getCsi().getNodePublishSecretRef().getName());
      }
      if (v.getAzureFile() != null) {
        add(out, v.getAzureFile().getSecretName());
      }
      if (v.getCephfs() != null && v.getCephfs().getSecretRef() != null) {
        add(out, v.getCephfs().getSecretRef().getName());
      }
      if (v.getRbd() != null && v.getRbd().getSecretRef() != null) {
        add(out, v.getRbd().getSecretRef().getName());
      }
      if (v.getIscsi() != null && v.getIscsi().getSecretRef() != null) {
        add(out, v.getIscsi().getSecretRef().getName());
      }
      if (v.getFlexVolume() != null && v.getFlexVolume().getSecretRef() != null) {
        add(out, v.getFlexVolume().getSecretRef().getName());
      }
    }
    forContainers(spec, c -> {
      for (EnvFromSource e : nn(c.getEnvFrom())) {
        if (e.getSecretRef() != null) {
          add(out, e.getSecretRef().getName());
        }
      }
      for (EnvVar e : nn(c.getEnv())) {
        if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
          add(out, e.getValueFrom().getSecretKeyRef().getName());
        }
      }
    });
    return out;
  }

  public static Set<String> configMaps(Pod pod) {
    Set<String> out = new LinkedHashSet<>();
    PodSpec spec = pod.getSpec();
    if (spec == null) {
      return out;
    }
    for (Volume v : nn(spec.getVolumes())) {
      if (v.getConfigMap() != null) {
        add(out, v.getConfigMap().getName());
      }
      if (v.getProjected() != null) {
        for (VolumeProjection p : nn(v.getProjected().getSources())) {
          if (p.getConfigMap() != null) {
            add(out, p.getConfigMap().getName());
          }
        }
      }
    }
    forContainers(spec, c -> {
      for (EnvFromSource e : nn(c.getEnvFrom())) {
        if (e.getConfigMapRef() != null) {
          add(out, e.getConfigMapRef().getName());
        }
      }
      for (EnvVar e : nn(c.getEnv())) {
        if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
          add(out, e.getValueFrom().getConfigMapKeyRef().getName());
        }
      }
    });
    return out;
  }

  public static Set<String> claims(Pod pod) {
    Set<String> out = new LinkedHashSet<>();
    if (pod.getSpec() == null) {
      return out;
    }
    for (Volume v : nn(pod.getSpec().getVolumes())) {
      if (v.getPersistentVolumeClaim() != null) {
        add(out, v.getPersistentVolumeClaim().getClaimName());
      }
      if (v.getEphemeral() != null) {
        add(out, pod.getMetadata().getName() + "-" + v.getName());
      }
    }
    return out;
  }

  public static String serviceAccount(Pod pod) {
    if (pod.getSpec() == null) {
      return "default";
    }
    String sa = pod.getSpec().getServiceAccountName();
    return sa == null || sa.isEmpty() ? "default" : sa;
  }

  private static void forContainers(PodSpec spec, Consumer<Container> each) {
    List<Container> all = new ArrayList<>(nn(spec.getContainers()));
    all.addAll(nn(spec.getInitContainers()));
    all.forEach(each);
    for (var e : nn(spec.getEphemeralContainers())) {
      Container c = new Container();
      c.setEnv(e.getEnv());
      c.setEnvFrom(e.getEnvFrom());
      each.accept(c);
    }
  }

  private static void add(Set<String> out, String name) {
    if (name != null && !name.isEmpty()) {
      out.add(name);
    }
  }

  private static <T> List<T> nn(List<T> l) {
    return l == null ? List.of() : l;
  }
}
