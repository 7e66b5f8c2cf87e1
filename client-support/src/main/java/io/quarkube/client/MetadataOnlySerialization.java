package io.quarkube.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.io.IOException;

/**
 * A serialization for clients that only look at objects' metadata, as upstream's metadata informers do (the garbage
 * collector: owners, dependents, finalizers). Every object with a kind is read as a {@link GenericKubernetesResource}
 * holding apiVersion, kind and metadata (without managed fields, as with every LeanSerialization); the parser passes
 * over the rest without building anything. A full pod read into its class and then converted to a generic resource
 * (Fabric8's way for a generic informer) cost the controllers more CPU per pod event than any controller's work.
 * {@code Status} keeps its class, so a watch's ERROR event (410 Gone) is still recognised.
 *
 * <p>Objects read through this are partial: writing one back with PUT would wipe what was skipped. Write with patches.
 */
public class MetadataOnlySerialization extends LeanSerialization {
  @Override
  public Class<? extends KubernetesResource> getRegisteredKubernetesResource(String apiVersion, String kind) {
    if (kind == null || "Status".equals(kind)) {
      return super.getRegisteredKubernetesResource(apiVersion, kind);
    }
    return GenericKubernetesResource.class;
  }

  @Override
  protected void configureMapper(ObjectMapper mapper) {
    super.configureMapper(mapper);
    mapper.registerModule(new SimpleModule("quarkube-metadata-only")
        .addDeserializer(GenericKubernetesResource.class, new MetadataReader()));
  }

  /** apiVersion, kind and metadata of an object; every other field is skipped. */
  private static final class MetadataReader extends StdDeserializer<GenericKubernetesResource> {
    MetadataReader() {
      super(GenericKubernetesResource.class);
    }

    @Override
    public GenericKubernetesResource deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      GenericKubernetesResource r = new GenericKubernetesResource();
      JsonToken t = p.currentToken();
      if (t == JsonToken.START_OBJECT) {
        t = p.nextToken();
      }
      for (; t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        t = p.nextToken();
        boolean isNull = t == JsonToken.VALUE_NULL;
        switch (name) {
          case "apiVersion" -> r.setApiVersion(isNull ? null : p.getValueAsString());
          case "kind" -> r.setKind(isNull ? null : p.getValueAsString());
          case "metadata" -> r.setMetadata(isNull ? null : ctxt.readValue(p, ObjectMeta.class));
          default -> p.skipChildren();
        }
      }
      return r;
    }
  }
}
