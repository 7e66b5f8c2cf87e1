package io.quarkube.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.quarkube.apiserver.admission.webhook.ConversionWebhookClient;
import io.quarkube.apiserver.admission.webhook.WebhookCallException;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.GenericStore;
import java.util.UUID;

/**
 * A served version of a CRD whose conversion strategy is Webhook: objects stored in another version are converted
 * by the CRD's webhook when read, and objects written in this version are converted to the storage version before
 * they are stored, as upstream's apiextensions server does (one ConversionReview per object). An object already in
 * the wanted version is never sent. The webhook may change only labels and annotations of the metadata: the rest
 * is taken from the original, as upstream restores it.
 */
final class CustomResourceConversion implements GenericStore.StorageConversion<HasMetadata> {
  private final ConversionWebhookClient client;
  private final JsonNode clientConfig;
  private final String apiVersion;
  private final String storageApiVersion;

  CustomResourceConversion(ConversionWebhookClient client, JsonNode clientConfig, String group, String version,
      String storageVersion) {
    this.client = client;
    this.clientConfig = clientConfig;
    this.apiVersion = group + "/" + version;
    this.storageApiVersion = group + "/" + storageVersion;
  }

  @Override
  public HasMetadata fromStorage(byte[] stored) {
    return convert(Json.read(stored, GenericKubernetesResource.class), apiVersion);
  }

  @Override
  public HasMetadata toStorage(HasMetadata object) {
    return convert((GenericKubernetesResource) object, storageApiVersion);
  }

  GenericKubernetesResource convert(GenericKubernetesResource object, String desired) {
    if (desired.equals(object.getApiVersion())) {
      return object;
    }
    String gvk = gvk(object);
    ObjectNode review = Json.MAPPER.createObjectNode().put("apiVersion", "apiextensions.k8s.io/v1")
        .put("kind", "ConversionReview");
    String uid = UUID.randomUUID().toString();
    ObjectNode request = review.putObject("request").put("uid", uid).put("desiredAPIVersion", desired);
    request.putArray("objects").add(Json.tree(object));
    JsonNode answer;
    try {
      answer = client.call(clientConfig, review);
    } catch (WebhookCallException e) {
      throw failed(gvk, e.getMessage());
    }
    JsonNode response = answer.path("response");
    if (!"Success".equals(response.path("result").path("status").asText())) {
      throw failed(gvk, response.path("result").path("message").asText("no result status"));
    }
    if (!uid.equals(response.path("uid").asText())) {
      throw failed(gvk, "expected response uid \"" + uid + "\", got \"" + response.path("uid").asText() + "\"");
    }
    JsonNode converted = response.path("convertedObjects");
    if (!converted.isArray() || converted.size() != 1) {
      throw failed(gvk, "returned " + converted.size() + " objects, expected 1");
    }
    GenericKubernetesResource out = Json.convert(converted.get(0), GenericKubernetesResource.class);
    if (!desired.equals(out.getApiVersion())) {
      throw failed(gvk, "invalid converted object at index 0: wrong apiVersion \"" + out.getApiVersion()
          + "\", expected \"" + desired + "\"");
    }
    ObjectMeta meta = object.getMetadata() == null ? new ObjectMeta() : object.getMetadata();
    if (out.getMetadata() != null) {
      meta.setLabels(out.getMetadata().getLabels());
      meta.setAnnotations(out.getMetadata().getAnnotations());
    }
    out.setMetadata(meta);
    out.setKind(object.getKind());
    return out;
  }

  private static String gvk(GenericKubernetesResource object) {
    return object.getApiVersion() + ", Kind=" + object.getKind();
  }

  private static ApiException failed(String gvk, String why) {
    return ApiException.internal("conversion webhook for " + gvk + " failed: " + why);
  }
}
