package io.quarkube.scheduler.app;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserSequence;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkube.client.LeanSerialization;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client's serialization with a cheaper decoding of watch events. Fabric8 reads a watch event's object into a
 * JSON tree first (to find its kind), then maps the tree onto the class: every field of every pod update is built
 * twice. Here the object is read straight into its class: its leading fields are buffered until {@code apiVersion}
 * and {@code kind} are seen (the API server writes them first, so that is two fields), then the class registered for
 * them reads the buffer followed by the rest of the stream. Objects of kinds the client does not know take the
 * original (tree) path, so the result is the same object either way.
 *
 * <p>Reading also skips what no scheduling decision looks at and what makes up much of a pod's JSON: managed fields,
 * a container's command, environment, probes and mounts, the containers' statuses ({@link ReadOnlyWhatSchedulingUses}).
 * The scheduler never writes a pod it read (it binds, patches the status and deletes), so nothing is lost on the
 * server; writing still includes every field.
 */
final class StreamingWatchEvents extends LeanSerialization {
  StreamingWatchEvents() {
    super(new ObjectMapper());
  }

  @Override
  protected void configureMapper(ObjectMapper mapper) {
    super.configureMapper(mapper);
    mapper.registerModule(new SimpleModule("quarkube-watch-events")
        .addDeserializer(WatchEvent.class, new Deserializer(this)));
    mapper.addMixIn(ObjectMeta.class, ReadOnlyWhatSchedulingUses.Meta.class);
    mapper.addMixIn(Container.class, ReadOnlyWhatSchedulingUses.ContainerFields.class);
    mapper.addMixIn(PodStatus.class, ReadOnlyWhatSchedulingUses.Status.class);
  }

  /** Fields skipped when reading (the parser passes over them without building anything); written as usual. */
  static final class ReadOnlyWhatSchedulingUses {
    private ReadOnlyWhatSchedulingUses() {}

    @JsonIgnoreProperties(value = {"managedFields"}, allowGetters = true)
    abstract static class Meta {}

    /** A container's name, image, ports, resources and restartPolicy (sidecars) stay. */
    @JsonIgnoreProperties(value = {"command", "args", "env", "envFrom", "workingDir", "volumeMounts", "volumeDevices",
        "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "securityContext", "terminationMessagePath",
        "terminationMessagePolicy", "imagePullPolicy", "stdin", "stdinOnce", "tty", "resizePolicy"},
        allowGetters = true)
    abstract static class ContainerFields {}

    /** Phase, conditions, nominatedNodeName, startTime (preemption's victim order) and the IPs stay. */
    @JsonIgnoreProperties(value = {"containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"},
        allowGetters = true)
    abstract static class Status {}
  }

  private static final class Deserializer extends StdDeserializer<WatchEvent> {
    private final KubernetesSerialization kinds;
    /** apiVersion + "/" + kind to its class (empty when the client knows none). */
    private final Map<String, Optional<Class<? extends KubernetesResource>>> classes = new ConcurrentHashMap<>();

    Deserializer(KubernetesSerialization kinds) {
      super(WatchEvent.class);
      this.kinds = kinds;
    }

    @Override
    public WatchEvent deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonToken t = p.currentToken();
      if (t == JsonToken.START_OBJECT) {
        t = p.nextToken();
      }
      WatchEvent event = new WatchEvent();
      for (; t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        t = p.nextToken();
        if ("type".equals(name)) {
          event.setType(t == JsonToken.VALUE_NULL ? null : p.getValueAsString());
        } else if ("object".equals(name)) {
          event.setObject(t == JsonToken.VALUE_NULL ? null : readObject(p, ctxt));
        } else {
          p.skipChildren();
        }
      }
      return event;
    }

    private Object readObject(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        return ctxt.readValue(p, KubernetesResource.class);
      }
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
      JsonParser whole = objectEnded ? head.asParser(p) : JsonParserSequence.createFlattened(false, head.asParser(p), p);
      whole.nextToken();
      Class<?> type = apiVersion == null || kind == null ? null : classFor(apiVersion, kind);
      Class<?> target = type != null ? type : KubernetesResource.class;
      return ctxt.readValue(whole, target);
    }

    private Class<? extends KubernetesResource> classFor(String apiVersion, String kind) {
      return classes.computeIfAbsent(apiVersion + "/" + kind,
          k -> Optional.ofNullable(kinds.getRegisteredKubernetesResource(apiVersion, kind))).orElse(null);
    }
  }
}
