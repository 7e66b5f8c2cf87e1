package io.quarkube.kubelet.objects;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The ConfigMaps and Secrets (by name, in the pod's namespace) that the kubelet reads for a pod: configMap/secret
 * volumes and projected sources, env valueFrom and envFrom of every container (init and ephemeral ones too), and the
 * imagePullSecrets — what upstream's VisitPodConfigmapNames / VisitPodSecretNames find that this kubelet uses.
 */
public final class PodObjectNames {
  private PodObjectNames() {}

  public static Set<String> configMaps(Pod pod) {
    Set<String> names = new LinkedHashSet<>();
    PodSpec spec = pod.getSpec();
    if (spec == null) {
      return names;
    }
    for (Volume v : nn(spec.getVolumes())) {
      if (v.getConfigMap() != null) {
        add(names, v.getConfigMap().getName());
      }
      if (v.getProjected() != null) {
        for (VolumeProjection p : nn(v.getProjected().getSources())) {
          if (p.getConfigMap() != null) {
            add(names, p.getConfigMap().getName());
          }
        }
      }
    }
    for (Env e : envs(spec)) {
      for (EnvFromSource from : nn(e.envFrom())) {
        if (from.getConfigMapRef() != null) {
          add(names, from.getConfigMapRef().getName());
        }
      }
      for (EnvVar var : nn(e.env())) {
        if (var.getValueFrom() != null && var.getValueFrom().getConfigMapKeyRef() != null) {
          add(names, var.getValueFrom().getConfigMapKeyRef().getName());
        }
      }
    }
    return names;
  }

  public static Set<String> secrets(Pod pod) {
    Set<String> names = new LinkedHashSet<>();
    PodSpec spec = pod.getSpec();
    if (spec == null) {
      return names;
    }
    for (LocalObjectReference ref : nn(spec.getImagePullSecrets())) {
      add(names, ref.getName());
    }
    for (Volume v : nn(spec.getVolumes())) {
      if (v.getSecret() != null) {
        add(names, v.getSecret().getSecretName());
      }
      if (v.getProjected() != null) {
        for (VolumeProjection p : nn(v.getProjected().getSources())) {
          if (p.getSecret() != null) {
            add(names, p.getSecret().getName());
          }
        }
      }
    }
    for (Env e : envs(spec)) {
      for (EnvFromSource from : nn(e.envFrom())) {
        if (from.getSecretRef() != null) {
          add(names, from.getSecretRef().getName());
        }
      }
      for (EnvVar var : nn(e.env())) {
        if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
          add(names, var.getValueFrom().getSecretKeyRef().getName());
        }
      }
    }
    return names;
  }

  /** The environment of one container of any sort (ephemeral containers are a type of their own in the model). */
  private record Env(List<EnvVar> env, List<EnvFromSource> envFrom) {}

  private static List<Env> envs(PodSpec spec) {
    List<Env> all = new java.util.ArrayList<>();
    for (Container c : nn(spec.getInitContainers())) {
      all.add(new Env(c.getEnv(), c.getEnvFrom()));
    }
    for (Container c : nn(spec.getContainers())) {
      all.add(new Env(c.getEnv(), c.getEnvFrom()));
    }
    for (EphemeralContainer c : nn(spec.getEphemeralContainers())) {
      all.add(new Env(c.getEnv(), c.getEnvFrom()));
    }
    return all;
  }

  private static void add(Set<String> names, String name) {
    if (name != null && !name.isEmpty()) {
      names.add(name);
    }
  }

  private static <T> List<T> nn(List<T> list) {
    return list == null ? List.of() : list;
  }
}
