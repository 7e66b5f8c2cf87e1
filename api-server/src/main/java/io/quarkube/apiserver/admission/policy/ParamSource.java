package io.quarkube.apiserver.admission.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ParamKind;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ParamRef;
import io.quarkube.apiserver.admission.CachedReads;
import io.quarkube.apiserver.admission.cel.CelValues;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.selection.LabelSelectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The param objects of a binding, after upstream's {@code CollectParams}: {@code paramRef.name} or
 * {@code selector}, in {@code paramRef.namespace} or the request's namespace for a namespaced paramKind, with
 * {@code parameterNotFoundAction: Deny} making "none found" a configuration error. Each paramKind is read from a
 * watch-fed copy made the first time a binding needs it (upstream starts an informer per paramKind).
 */
final class ParamSource {
  /** A binding whose params cannot be found or used; the message is upstream's. */
  static final class ParamException extends Exception {
    ParamException(String message) {
      super(message, null, false, false);
    }
  }

  /** Where param objects are read from: the registry's resources in the server, fixed objects in tests. */
  interface Objects {
    /** The resource a paramKind names, if served. */
    Optional<ResourceDefinition> resourceOf(ParamKind kind);

    Optional<HasMetadata> find(ResourceDefinition d, String namespace, String name);

    /** The objects of a namespace (of the cluster when null). */
    List<HasMetadata> list(ResourceDefinition d, String namespace);

    default void stop() {}
  }

  private final Objects objects;

  ParamSource(Objects objects) {
    this.objects = objects;
  }

  /** Params read from watch-fed copies of the registry's resources, one per paramKind, made on first use. */
  static ParamSource of(Registry registry) {
    Map<ResourceDefinition, CachedReads> reads = new ConcurrentHashMap<>();
    java.util.function.Function<ResourceDefinition, CachedReads> copy =
        d -> reads.computeIfAbsent(d, x -> new CachedReads(registry.store(x)).start());
    return new ParamSource(new Objects() {
      @Override
      public Optional<ResourceDefinition> resourceOf(ParamKind kind) {
        return ParamSource.resourceOf(registry.catalog().all(), kind);
      }

      @Override
      public Optional<HasMetadata> find(ResourceDefinition d, String namespace, String name) {
        return copy.apply(d).find(namespace, name);
      }

      @Override
      public List<HasMetadata> list(ResourceDefinition d, String namespace) {
        return copy.apply(d).list(namespace);
      }

      @Override
      public void stop() {
        reads.values().forEach(CachedReads::stop);
      }
    });
  }

  static Optional<ResourceDefinition> resourceOf(List<ResourceDefinition> catalog, ParamKind kind) {
    String apiVersion = kind.getApiVersion() == null ? "" : kind.getApiVersion();
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    return catalog.stream().filter(d -> d.group().equals(group) && d.version().equals(version)
        && d.kind().equals(kind.getKind()) && d.storagePrefix() != null).findFirst();
  }

  /**
   * The params to evaluate with, as CEL values: one null when the policy has no paramKind or the binding no
   * paramRef; otherwise the objects found (possibly none, under parameterNotFoundAction Allow).
   */
  List<Object> collect(ParamKind kind, ParamRef ref, String requestNamespace) throws ParamException {
    if (kind == null || ref == null) {
      return java.util.Collections.singletonList(null);
    }
    ResourceDefinition d = objects.resourceOf(kind).orElseThrow(() -> new ParamException(
        "failed to find resource referenced by paramKind: '" + kind.getApiVersion() + ", Kind=" + kind.getKind()
            + "'"));
    String namespace = null;
    if (d.namespaced()) {
      namespace = ref.getNamespace() != null && !ref.getNamespace().isEmpty() ? ref.getNamespace()
          : requestNamespace;
      if (namespace == null || namespace.isEmpty()) {
        throw new ParamException(
            "cannot use namespaced paramRef in policy binding that matches cluster-scoped resources");
      }
    } else if (ref.getNamespace() != null && !ref.getNamespace().isEmpty()) {
      throw new ParamException("paramRef.namespace must not be provided for a cluster-scoped `paramKind`");
    }
    List<HasMetadata> found = new ArrayList<>();
    if (ref.getName() != null && !ref.getName().isEmpty()) {
      objects.find(d, namespace, ref.getName()).ifPresent(found::add);
    } else if (ref.getSelector() != null) {
      for (HasMetadata o : objects.list(d, namespace)) {
        if (LabelSelectors.matches(ref.getSelector(), o.getMetadata().getLabels())) {
          found.add(o);
        }
      }
    } else {
      throw new ParamException("one of name or selector must be provided");
    }
    if (found.isEmpty() && "Deny".equals(ref.getParameterNotFoundAction())) {
      throw new ParamException("no params found for policy binding with `Deny` parameterNotFoundAction");
    }
    List<Object> out = new ArrayList<>();
    for (HasMetadata o : found) {
      ObjectNode tree = Json.tree(o);
      tree.put("apiVersion", d.apiVersion());
      tree.put("kind", d.kind());
      out.add(CelValues.of(tree));
    }
    return out;
  }

  void stop() {
    objects.stop();
  }
}
