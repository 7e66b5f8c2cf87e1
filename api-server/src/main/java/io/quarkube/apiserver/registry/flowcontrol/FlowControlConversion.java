package io.quarkube.apiserver.registry.flowcontrol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.GenericStore;

/**
 * flowcontrol.apiserver.k8s.io v1beta3 and v1 hold the same fields (upstream converts them field by field), except
 * that a v1beta3 priority level's {@code nominalConcurrencyShares} of 0 means "default to 30" unless the object
 * carries upstream's round-trip annotation, which v1 to v1beta3 adds for a real 0 and v1beta3 to v1 removes.
 * Objects are stored as v1 (upstream's storage version).
 */
public final class FlowControlConversion {
  public static final String GROUP = "flowcontrol.apiserver.k8s.io";
  public static final String V1 = GROUP + "/v1";
  public static final String V1BETA3 = GROUP + "/v1beta3";
  /** Upstream's {@code flowcontrol.k8s.io/v1beta3-preserve-zero-concurrency-shares}. */
  public static final String PRESERVE_ZERO_SHARES = "flowcontrol.k8s.io/v1beta3-preserve-zero-concurrency-shares";

  private FlowControlConversion() {}

  /** A v1beta3 object as its v1 form. */
  public static <T> T toV1(HasMetadata v1beta3, Class<T> v1Type) {
    ObjectNode tree = Json.tree(v1beta3);
    tree.put("apiVersion", V1);
    JsonNode annotations = tree.path("metadata").path("annotations");
    if (annotations instanceof ObjectNode a) {
      a.remove(PRESERVE_ZERO_SHARES);
      if (a.isEmpty()) {
        ((ObjectNode) tree.get("metadata")).remove("annotations");
      }
    }
    return Json.convert(tree, v1Type);
  }

  /** A v1 object as its v1beta3 form. */
  public static <T> T toV1beta3(HasMetadata v1, Class<T> v1beta3Type) {
    return Json.convert(v1beta3Tree(Json.tree(v1)), v1beta3Type);
  }

  private static ObjectNode v1beta3Tree(ObjectNode tree) {
    tree.put("apiVersion", V1BETA3);
    JsonNode shares = tree.path("spec").path("limited").path("nominalConcurrencyShares");
    if (shares.isNumber() && shares.asInt() == 0) {
      ObjectNode meta = tree.with("metadata");
      meta.with("annotations").put(PRESERVE_ZERO_SHARES, "");
    }
    return tree;
  }

  /** How a v1beta3 store reads and writes the v1 objects in etcd. */
  public static <B extends HasMetadata, V extends HasMetadata> GenericStore.StorageConversion<B> storage(
      Class<B> v1beta3Type, Class<V> v1Type) {
    return new GenericStore.StorageConversion<>() {
      @Override
      public B fromStorage(byte[] stored) {
        return Json.convert(v1beta3Tree(Json.treeOf(stored)), v1beta3Type);
      }

      @Override
      public HasMetadata toStorage(B object) {
        return (HasMetadata) toV1(object, v1Type);
      }
    };
  }
}
