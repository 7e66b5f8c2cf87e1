package io.quarkube.apiserver.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.machinery.patch.JsonMergePatch;
import io.quarkube.machinery.patch.JsonPatch;
import io.quarkube.machinery.patch.KubernetesPatchMeta;
import io.quarkube.machinery.patch.PatchException;
import io.quarkube.machinery.patch.PatchMeta;
import io.quarkube.machinery.patch.StrategicMergePatch;
import java.util.List;

/**
 * Applies a PATCH body to the current object by its content type: JSON patch (RFC 6902), JSON merge patch (RFC 7386),
 * strategic merge patch (upstream's patchStrategy/patchMergeKey tags), and — until field ownership arrives — server
 * side apply as a merge of the applied configuration.
 */
public final class Patcher {
  public ObjectNode apply(ObjectNode current, JsonNode patch, String contentType, ResourceDefinition def) {
    try {
      JsonNode result = switch (contentType) {
        case MediaTypes.JSON_PATCH -> JsonPatch.apply(current, patch);
        case MediaTypes.MERGE_PATCH, MediaTypes.APPLY_PATCH -> JsonMergePatch.apply(current, patch);
        case MediaTypes.STRATEGIC_MERGE_PATCH -> StrategicMergePatch.apply(current, patch, metaFor(current, def));
        default -> throw ApiException.unsupportedPatchType(def != null && !strategic(def)
            ? CUSTOM_PATCH_TYPES : BUILT_IN_PATCH_TYPES);
      };
      if (!result.isObject()) {
        throw ApiException.badRequest("the patch turned the object into " + result.getNodeType());
      }
      return (ObjectNode) result;
    } catch (PatchException e) {
      throw ApiException.of(e.code(), e.reason(), e.statusMessage());
    }
  }

  /**
   * A patch (or an applied configuration) that sets metadata.resourceVersion makes it a precondition, as upstream's
   * update of the patched object does: 409 Conflict unless it is the stored object's (kubectl label/annotate
   * --resource-version, the garbage collector's metadata patches, a server-side apply of a manifest saved with its
   * resourceVersion).
   */
  public static void requireUnchangedResourceVersion(ResourceDefinition def, String name, HasMetadata current,
      JsonNode patched) {
    String wanted = patched.path("metadata").path("resourceVersion").asText("");
    if (!wanted.isEmpty() && !wanted.equals(current.getMetadata().getResourceVersion())) {
      throw ApiException.modified(def.group(), def.resource(), name);
    }
  }

  /** What upstream's patch handler accepts: custom resources have no strategic merge patch. */
  private static final List<String> BUILT_IN_PATCH_TYPES = List.of(MediaTypes.JSON_PATCH, MediaTypes.MERGE_PATCH,
      MediaTypes.STRATEGIC_MERGE_PATCH, MediaTypes.APPLY_PATCH);
  private static final List<String> CUSTOM_PATCH_TYPES = List.of(MediaTypes.JSON_PATCH, MediaTypes.MERGE_PATCH,
      MediaTypes.APPLY_PATCH);

  private static boolean strategic(ResourceDefinition def) {
    return KubernetesPatchMeta.forKind(def.apiVersion(), def.kind()).isPresent();
  }

  private static PatchMeta metaFor(ObjectNode current, ResourceDefinition def) {
    String apiVersion = def == null ? current.path("apiVersion").asText() : def.apiVersion();
    String kind = def == null ? current.path("kind").asText() : def.kind();
    return KubernetesPatchMeta.forKind(apiVersion, kind)
        .orElseThrow(() -> ApiException.unsupportedPatchType(CUSTOM_PATCH_TYPES));
  }
}
