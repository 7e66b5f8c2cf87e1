package io.quarkube.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserSequence;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.cfg.HandlerInstantiator;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.jsontype.TypeIdResolver;
import com.fasterxml.jackson.databind.jsontype.TypeResolverBuilder;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.internal.KubernetesDeserializer;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Fabric8 client's serialization without its eager registry of every model class. Fabric8 maps a polymorphic
 * object (a watch event's {@code object}) to its class through a table of all {@code KubernetesResource}
 * implementations, which it fills on first use by instantiating each one through {@link java.util.ServiceLoader}:
 * ~320 classes (Gateway API, DRA, flow control, ...) plus what they reference, ~560 classes and 5 MiB of metaspace in
 * every client JVM, resident for its whole life although a component meets a dozen kinds. Here a kind's class is
 * found when its first object arrives ({@link ModelClassIndex}) and registered in Fabric8's table; everything else
 * is Fabric8's own serialization.
 */
public class LeanSerialization extends KubernetesSerialization {
  private final ModelClassIndex index = new ModelClassIndex(LeanSerialization.class.getClassLoader());
  /** apiVersion + "/" + kind of every kind looked up, with its class (empty: none, Fabric8 makes it generic). */
  private final ConcurrentHashMap<String, Optional<Class<? extends KubernetesResource>>> resolved =
      new ConcurrentHashMap<>();

  public LeanSerialization() {
    super(newMapper(), false);
  }

  /**
   * A mapper whose parsers do not canonicalize field names (subclasses get it through this class's constructor).
   * Jackson's parsers share one table of the field names seen so far, and a parser that meets a name the table lacks
   * first copies the whole table (its hash area and names: ~150-350 KB once it has grown). Kubernetes objects carry
   * names of their own (managed fields' {@code k:{"name":"kube-api-access-x7k2p"}} and {@code k:{"uid":...}} keys,
   * label and annotation keys), so nearly every watch event paid that copy: reading a pod made ~340 KB of garbage and
   * took 56 µs; without the table it makes 49 KB and takes 31 µs. The controllers and the scheduler ran young
   * collections several times a second under pod creates, mostly on those copies.
   */
  private static ObjectMapper newMapper() {
    return new ObjectMapper(JsonFactory.builder().disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build());
  }

  /** The class registered for the kind, registering the model class of that name first if there is one. */
  @Override
  public Class<? extends KubernetesResource> getRegisteredKubernetesResource(String apiVersion, String kind) {
    Class<? extends KubernetesResource> registered = super.getRegisteredKubernetesResource(apiVersion, kind);
    if (registered != null || apiVersion == null || kind == null) {
      return registered;
    }
    return resolved.computeIfAbsent(apiVersion + "/" + kind, k -> {
      Optional<Class<? extends KubernetesResource>> found = index.find(apiVersion, kind);
      found.ifPresent(this::registerKubernetesResource);
      return found;
    }).orElse(null);
  }

  /** Called by the super constructor: the subclass's fields are not set yet, so nothing here may use them. */
  @Override
  protected void configureMapper(ObjectMapper mapper) {
    super.configureMapper(mapper);
    HandlerInstantiator fabric8 = mapper.getDeserializationConfig().getHandlerInstantiator();
    mapper.setConfig(mapper.getDeserializationConfig().with(new KindsFirst(fabric8)));
    mapper.addMixIn(ObjectMeta.class, WithoutManagedFields.class);
  }

  /**
   * Managed fields are skipped when reading, as upstream's controller manager and scheduler trim them from their
   * informers' objects: no client component looks at them, and they were the largest part of a cached pod (the
   * controllers held ~500 MB of pods after the write benchmark). Writing is unchanged; a write without them keeps the
   * stored ones (the API server resets them only for an explicit empty list, which Fabric8 never sends).
   */
  @JsonIgnoreProperties(value = {"managedFields"}, allowGetters = true)
  abstract static class WithoutManagedFields {}

  /** Hands out Fabric8's deserializer wrapped in {@link RegisteringDeserializer}; the rest goes to Fabric8's. */
  private final class KindsFirst extends HandlerInstantiator {
    private final HandlerInstantiator fabric8;

    KindsFirst(HandlerInstantiator fabric8) {
      this.fabric8 = fabric8;
    }

    @Override
    public JsonDeserializer<?> deserializerInstance(DeserializationConfig config, Annotated annotated,
        Class<?> deserClass) {
      JsonDeserializer<?> d = fabric8 == null ? null : fabric8.deserializerInstance(config, annotated, deserClass);
      if (deserClass == KubernetesDeserializer.class && d instanceof KubernetesDeserializer k) {
        return new RegisteringDeserializer(k);
      }
      return d;
    }

    @Override
    public KeyDeserializer keyDeserializerInstance(DeserializationConfig config, Annotated annotated,
        Class<?> keyDeserClass) {
      return fabric8 == null ? null : fabric8.keyDeserializerInstance(config, annotated, keyDeserClass);
    }

    @Override
    public com.fasterxml.jackson.databind.JsonSerializer<?> serializerInstance(SerializationConfig config,
        Annotated annotated, Class<?> serClass) {
      return fabric8 == null ? null : fabric8.serializerInstance(config, annotated, serClass);
    }

    @Override
    public TypeResolverBuilder<?> typeResolverBuilderInstance(MapperConfig<?> config, Annotated annotated,
        Class<?> builderClass) {
      return fabric8 == null ? null : fabric8.typeResolverBuilderInstance(config, annotated, builderClass);
    }

    @Override
    public TypeIdResolver typeIdResolverInstance(MapperConfig<?> config, Annotated annotated, Class<?> resolverClass) {
      return fabric8 == null ? null : fabric8.typeIdResolverInstance(config, annotated, resolverClass);
    }
  }

  /**
   * An object with a kind: read straight into the kind's class (registering it on first sight). Its leading fields are
   * buffered until {@code apiVersion} and {@code kind} are seen (the API server writes them first, so that is two
   * fields), then the class reads the buffer followed by the rest of the stream. Fabric8's own deserializer reads every
   * object into a JSON tree first and maps the tree onto the class, so every field of every watch event was built
   * twice. Anything else (arrays, whose items' kinds are registered first; objects without apiVersion or kind; kinds
   * without a model class) is read into a tree and goes to Fabric8's deserializer, which makes lists, raw extensions
   * and generic resources of them: the result is the same object either way.
   */
  private final class RegisteringDeserializer extends JsonDeserializer<KubernetesResource> {
    private final KubernetesDeserializer fabric8;

    RegisteringDeserializer(KubernetesDeserializer fabric8) {
      this.fabric8 = fabric8;
    }

    @Override
    public KubernetesResource deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.START_OBJECT) {
        return readObject(p, ctxt);
      }
      JsonNode node = p.readValueAsTree();
      if (node != null && node.isArray()) {
        node.forEach(this::kindOf); // Fabric8 makes a KubernetesList of the items, by the kinds registered
      }
      return viaFabric8(node, p, ctxt);
    }

    private KubernetesResource readObject(JsonParser p, DeserializationContext ctxt) throws IOException {
      TokenBuffer head = ctxt.bufferForInputBuffering(p);
      head.writeStartObject();
      String apiVersion = null;
      String kind = null;
      JsonToken t = p.nextToken();
      boolean objectEnded = t == JsonToken.END_OBJECT;
      while (t == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        head.writeFieldName(name);
        t = p.nextToken();
        if (t == JsonToken.VALUE_STRING && "apiVersion".equals(name)) {
          apiVersion = p.getText();
        } else if (t == JsonToken.VALUE_STRING && "kind".equals(name)) {
          kind = p.getText();
        }
        head.copyCurrentStructure(p);
        if (apiVersion != null && kind != null) {
          break;
        }
        t = p.nextToken();
        objectEnded = t == JsonToken.END_OBJECT;
      }
      if (objectEnded) {
        head.writeEndObject();
      }
      // The buffered head, then (unless the object ended already) the rest of the object from the stream.
      JsonParser whole = objectEnded ? head.asParser(p)
          : JsonParserSequence.createFlattened(false, head.asParser(p), p);
      whole.nextToken();
      Class<? extends KubernetesResource> type = getRegisteredKubernetesResource(apiVersion, kind);
      if (type != null) {
        return ctxt.readValue(whole, type);
      }
      return viaFabric8(whole.readValueAsTree(), p, ctxt);
    }

    private KubernetesResource viaFabric8(JsonNode node, JsonParser p, DeserializationContext ctxt)
        throws IOException {
      JsonParser tree = node == null ? p : node.traverse(p.getCodec());
      if (node != null) {
        tree.nextToken();
      }
      return fabric8.deserialize(tree, ctxt);
    }

    private Class<? extends KubernetesResource> kindOf(JsonNode object) {
      return getRegisteredKubernetesResource(object.path("apiVersion").textValue(), object.path("kind").textValue());
    }
  }
}
