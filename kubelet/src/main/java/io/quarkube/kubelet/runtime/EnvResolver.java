package io.quarkube.kubelet.runtime;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.quarkube.kubelet.objects.PodObjects;
import io.quarkube.kubelet.objects.WatchingObjectCache;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's environment as upstream builds it (kubelet_pods.go makeEnvironmentVariables): envFrom first, then env
 * in order, each value {@code $(VAR)}-expanded against what came before and then the service variables; values from
 * fieldRef (downward API), resourceFieldRef, configMapKeyRef and secretKeyRef; last the service variables
 * ({@link ServiceEnv}) the container does not set itself.
 */
public final class EnvResolver {
  private static final Pattern KEYED_FIELD = Pattern.compile("metadata\\.(labels|annotations)\\['(.*)'\\]");

  /** ConfigMaps and Secrets of env sources, from their watches (null: none to give, for callers without pods). */
  private final PodObjects objects;
  private final Map<String, Quantity> nodeAllocatable;
  private final Supplier<Optional<Collection<Service>>> services;

  /** Without services: no service variables (upstream's kubelet without an API server). */
  public EnvResolver(PodObjects objects, Map<String, Quantity> nodeAllocatable) {
    this(objects, nodeAllocatable, () -> Optional.of(java.util.List.of()));
  }

  /** @param services every Service of the cluster; empty while not listed yet */
  public EnvResolver(PodObjects objects, Map<String, Quantity> nodeAllocatable,
      Supplier<Optional<Collection<Service>>> services) {
    this.objects = objects;
    this.nodeAllocatable = nodeAllocatable;
    this.services = services;
  }

  /** Thrown when a required source (a ConfigMap, a key) is missing: the container cannot start yet. */
  public static final class MissingSourceException extends RuntimeException {
    public MissingSourceException(String message) {
      super(message);
    }
  }

  public Map<String, String> resolve(Pod pod, Container container, String podIp, String hostIp) {
    Map<String, String> env = new LinkedHashMap<>();
    String namespace = pod.getMetadata().getNamespace();
    Map<String, String> serviceEnv = serviceEnv(pod);
    if (container.getEnvFrom() != null) {
      for (EnvFromSource from : container.getEnvFrom()) {
        String prefix = from.getPrefix() == null ? "" : from.getPrefix();
        if (from.getConfigMapRef() != null) {
          ConfigMap cm = configMap(namespace, from.getConfigMapRef().getName(),
              Boolean.TRUE.equals(from.getConfigMapRef().getOptional()));
          if (cm != null && cm.getData() != null) {
            cm.getData().forEach((k, v) -> env.put(prefix + k, v));
          }
        }
        if (from.getSecretRef() != null) {
          Secret secret = secret(namespace, from.getSecretRef().getName(),
              Boolean.TRUE.equals(from.getSecretRef().getOptional()));
          if (secret != null) {
            decoded(secret).forEach((k, v) -> env.put(prefix + k, v));
          }
        }
      }
    }
    if (container.getEnv() != null) {
      for (EnvVar var : container.getEnv()) {
        String value;
        if (var.getValueFrom() != null) {
          value = valueFrom(pod, container, var.getValueFrom(), podIp, hostIp);
          if (value == null) {
            continue; // optional source absent
          }
        } else {
          value = VarExpansion.expand(var.getValue() == null ? "" : var.getValue(), env, serviceEnv);
        }
        env.put(var.getName(), value);
      }
    }
    // The container's own variables win over the service ones.
    serviceEnv.forEach(env::putIfAbsent);
    return env;
  }

  /**
   * The service variables of the pod's containers; a null enableServiceLinks counts as the API's default, true. A
   * pod of the API waits until the services were read once; a static pod does not (as upstream: it may have to run
   * before there is an API server to read them from) and gets those known so far.
   */
  private Map<String, String> serviceEnv(Pod pod) {
    Optional<Collection<Service>> all = services.get();
    if (all.isEmpty()) {
      if (io.quarkube.kubelet.staticpods.StaticPodManifests.isStatic(pod)) {
        return Map.of();
      }
      throw new MissingSourceException("services have not yet been read at least once, cannot construct envvars");
    }
    boolean links = !Boolean.FALSE.equals(pod.getSpec().getEnableServiceLinks());
    return ServiceEnv.forPod(pod.getMetadata().getNamespace(), links, all.get());
  }

  private String valueFrom(Pod pod, Container container, EnvVarSource source, String podIp, String hostIp) {
    String namespace = pod.getMetadata().getNamespace();
    if (source.getFieldRef() != null) {
      return fieldValue(pod, source.getFieldRef().getFieldPath(), podIp, hostIp);
    }
    if (source.getResourceFieldRef() != null) {
      return resourceValue(pod, container, source.getResourceFieldRef());
    }
    if (source.getConfigMapKeyRef() != null) {
      var ref = source.getConfigMapKeyRef();
      boolean optional = Boolean.TRUE.equals(ref.getOptional());
      ConfigMap cm = configMap(namespace, ref.getName(), optional);
      String value = cm == null ? null : cm.getData() == null ? null : cm.getData().get(ref.getKey());
      if (value == null && cm != null && cm.getBinaryData() != null && cm.getBinaryData().get(ref.getKey()) != null) {
        value = new String(Base64.getDecoder().decode(cm.getBinaryData().get(ref.getKey())), StandardCharsets.UTF_8);
      }
      if (value == null && !optional) {
        throw new MissingSourceException("couldn't find key " + ref.getKey() + " in ConfigMap " + namespace + "/"
            + ref.getName());
      }
      return value;
    }
    if (source.getSecretKeyRef() != null) {
      var ref = source.getSecretKeyRef();
      boolean optional = Boolean.TRUE.equals(ref.getOptional());
      Secret secret = secret(namespace, ref.getName(), optional);
      String value = secret == null ? null : decoded(secret).get(ref.getKey());
      if (value == null && !optional) {
        throw new MissingSourceException("couldn't find key " + ref.getKey() + " in Secret " + namespace + "/"
            + ref.getName());
      }
      return value;
    }
    return "";
  }

  /** A downward API field of the pod (env and downwardAPI volumes accept the same paths). */
  public static String fieldValue(Pod pod, String path, String podIp, String hostIp) {
    Matcher keyed = KEYED_FIELD.matcher(path);
    if (keyed.matches()) {
      Map<String, String> map = keyed.group(1).equals("labels") ? pod.getMetadata().getLabels()
          : pod.getMetadata().getAnnotations();
      return map == null ? "" : map.getOrDefault(keyed.group(2), "");
    }
    return switch (path) {
      case "metadata.name" -> pod.getMetadata().getName();
      case "metadata.namespace" -> pod.getMetadata().getNamespace();
      case "metadata.uid" -> pod.getMetadata().getUid();
      case "metadata.labels" -> formatMap(pod.getMetadata().getLabels());
      case "metadata.annotations" -> formatMap(pod.getMetadata().getAnnotations());
      case "spec.nodeName" -> nullToEmpty(pod.getSpec().getNodeName());
      case "spec.serviceAccountName" -> nullToEmpty(pod.getSpec().getServiceAccountName());
      case "status.hostIP", "status.hostIPs" -> nullToEmpty(hostIp);
      case "status.podIP", "status.podIPs" -> nullToEmpty(podIp);
      default -> "";
    };
  }

  /** Values of a resourceFieldRef, rounded up by the divisor; an unset limit is the node's allocatable. */
  public String resourceValue(Pod pod, Container container, ResourceFieldSelector selector) {
    Container target = container;
    if (selector.getContainerName() != null && !selector.getContainerName().isEmpty()) {
      target = pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(selector.getContainerName()))
          .findFirst().orElse(container);
    }
    String resource = selector.getResource();
    boolean limit = resource.startsWith("limits.");
    String name = resource.substring(resource.indexOf('.') + 1);
    Quantity q = null;
    if (target.getResources() != null) {
      Map<String, Quantity> values = limit ? target.getResources().getLimits() : target.getResources().getRequests();
      q = values == null ? null : values.get(name);
    }
    if (q == null && limit) {
      q = nodeAllocatable.get(name);
    }
    BigDecimal amount = q == null ? BigDecimal.ZERO : q.getNumericalAmount();
    BigDecimal divisor = selector.getDivisor() == null ? BigDecimal.ONE : selector.getDivisor().getNumericalAmount();
    if (divisor.signum() == 0) {
      divisor = BigDecimal.ONE;
    }
    return amount.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
  }

  private ConfigMap configMap(String namespace, String name, boolean optional) {
    ConfigMap cm;
    try {
      cm = objects.configMap(namespace, name);
    } catch (WatchingObjectCache.UnavailableException e) {
      throw new MissingSourceException(e.getMessage()); // as upstream: a CreateContainerConfigError with the reason
    }
    if (cm == null && !optional) {
      throw new MissingSourceException("configmap \"" + name + "\" not found");
    }
    return cm;
  }

  private Secret secret(String namespace, String name, boolean optional) {
    Secret secret;
    try {
      secret = objects.secret(namespace, name);
    } catch (WatchingObjectCache.UnavailableException e) {
      throw new MissingSourceException(e.getMessage());
    }
    if (secret == null && !optional) {
      throw new MissingSourceException("secret \"" + name + "\" not found");
    }
    return secret;
  }

  static Map<String, String> decoded(Secret secret) {
    Map<String, String> out = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      out.putAll(secret.getStringData());
    }
    return out;
  }

  private static String formatMap(Map<String, String> map) {
    if (map == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    map.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sb.append(e.getKey()).append("=\"")
        .append(e.getValue().replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"")).append("\"\n"));
    return sb.toString().stripTrailing();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
