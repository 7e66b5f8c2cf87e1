package io.quarkube.controllers.gc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;

/**
 * The garbage collector's writes: a JSON merge patch of an object's ownerReferences and finalizers with its
 * resourceVersion (so the API server answers 409 when the object changed since it was read). Empty lists are removed
 * (null), as a PUT without them would.
 */
final class MetadataPatch {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MetadataPatch() {}

  static String of(ObjectMeta meta) {
    ObjectNode m = JSON.createObjectNode();
    m.put("resourceVersion", meta.getResourceVersion());
    m.set("ownerReferences", orNull(meta.getOwnerReferences()));
    m.set("finalizers", orNull(meta.getFinalizers()));
    ObjectNode patch = JSON.createObjectNode();
    patch.set("metadata", m);
    return patch.toString();
  }

  private static JsonNode orNull(List<?> items) {
    return items == null || items.isEmpty() ? NullNode.getInstance() : JSON.valueToTree(items);
  }
}
