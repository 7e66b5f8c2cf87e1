package io.quarkube.apiserver.admission.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.admission.AdmissionAttributes;
import io.quarkube.apiserver.admission.AdmissionRequest;
import io.quarkube.apiserver.admission.cel.CelValues;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the expressions of every policy see of one request, each part made once and only when a policy needs it:
 * {@code object}, {@code oldObject} (the stored object of an update or delete), {@code namespaceObject} (the
 * request's namespace as upstream exposes it: metadata without managed fields, spec, status) and {@code request}
 * (the fields of an admission.k8s.io/v1 AdmissionRequest, without the objects).
 */
final class PolicyRequest {
  final AdmissionRequest request;
  private final Supplier<HasMetadata> stored;
  private final Function<String, HasMetadata> namespaces;
  private final Converter converter;
  private final java.util.Map<ResourceDefinition, Object[]> converted = new java.util.HashMap<>();
  private Object object;
  private Object oldObject;
  private Object namespaceObject;
  private boolean namespaceRead;

  /** Converts an object of the request's resource to another version of it (matchPolicy Equivalent). */
  interface Converter {
    HasMetadata convert(HasMetadata object, ResourceDefinition from, ResourceDefinition to);
  }

  PolicyRequest(AdmissionRequest request, Supplier<HasMetadata> stored, Function<String, HasMetadata> namespaces,
      Converter converter) {
    this.request = request;
    this.stored = memoize(stored);
    this.namespaces = namespaces;
    this.converter = converter;
  }

  /** {@code object} as the matched resource's version sees it (the request's own, or converted). */
  Object object(ResourceDefinition matched) {
    return matched == request.resource() ? object() : converted(matched)[0];
  }

  /** {@code oldObject} as the matched resource's version sees it. */
  Object oldObject(ResourceDefinition matched) {
    return matched == request.resource() ? oldObject() : converted(matched)[1];
  }

  private Object[] converted(ResourceDefinition matched) {
    return converted.computeIfAbsent(matched, m -> {
      HasMetadata o = request.object() == null ? null : converter.convert(request.object(), request.resource(), m);
      HasMetadata old = stored.get() == null ? null : converter.convert(stored.get(), request.resource(), m);
      return new Object[] {CelValues.of(o == null ? null : Json.tree(o)),
          CelValues.of(old == null ? null : Json.tree(old))};
    });
  }

  HasMetadata storedObject() {
    return stored.get();
  }

  Object object() {
    if (object == null) {
      object = request.object() == null ? CelValues.of(null) : CelValues.of(Json.tree(request.object()));
    }
    return object;
  }

  Object oldObject() {
    if (oldObject == null) {
      HasMetadata old = stored.get();
      oldObject = old == null ? CelValues.of(null) : CelValues.of(Json.tree(old));
    }
    return oldObject;
  }

  Object namespaceObject() {
    if (!namespaceRead) {
      namespaceRead = true;
      String ns = request.namespace();
      HasMetadata namespace = ns == null || ns.isEmpty() || AdmissionAttributes.isNamespace(request.resource()) ? null
          : namespaces.apply(ns);
      namespaceObject = CelValues.of(namespace == null ? null : namespaceView(namespace));
    }
    return namespaceObject;
  }

  private static JsonNode namespaceView(HasMetadata namespace) {
    ObjectNode tree = Json.tree(namespace);
    tree.remove("apiVersion");
    tree.remove("kind");
    JsonNode meta = tree.path("metadata");
    if (meta instanceof ObjectNode m) {
      m.remove(List.of("managedFields", "ownerReferences", "finalizers"));
    }
    return tree;
  }

  /** The {@code request} variable, naming {@code matched} as the resource (it differs for an equivalent match). */
  Object requestValue(ResourceDefinition matched) {
    ObjectNode req = AdmissionAttributes.request(request, matched);
    req.put("uid", "");
    req.put("dryRun", request.dryRun());
    return CelValues.of(req);
  }


  private static <T> Supplier<T> memoize(Supplier<T> s) {
    return new Supplier<>() {
      private boolean done;
      private T value;

      @Override
      public T get() {
        if (!done) {
          value = s.get();
          done = true;
        }
        return value;
      }
    };
  }
}
