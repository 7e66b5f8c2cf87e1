package io.quarkube.proto.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The apimachinery messages whose JSON form is not "an object of their fields": each has its own MarshalJSON in Go
 * (Time, MicroTime, Duration, Quantity, IntOrString, RawExtension, FieldsV1) or is a named slice that protobuf can
 * only carry wrapped in a message with {@code items} (Verbs, ExtraValue).
 */
final class CustomJsonTypes {

    private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final byte[] EMPTY = new byte[0];

    /** Both directions of one type's conversion. */
    private record Codec(Function<Message, JsonNode> toJson, BiFunction<Descriptor, JsonNode, Message> fromJson) {
    }

    private static final Codec ITEMS = new Codec(CustomJsonTypes::itemsToJson, CustomJsonTypes::itemsFromJson);
    private static final Codec RAW_JSON = new Codec(CustomJsonTypes::rawJsonToJson, CustomJsonTypes::rawJsonFromJson);

    private static final Map<String, Codec> CODECS = Map.ofEntries(
            Map.entry(META + "Time", new Codec(CustomJsonTypes::timeToJson, CustomJsonTypes::timeFromJson)),
            Map.entry(META + "MicroTime",
                    new Codec(CustomJsonTypes::microTimeToJson, CustomJsonTypes::microTimeFromJson)),
            Map.entry(META + "Duration",
                    new Codec(CustomJsonTypes::durationToJson, CustomJsonTypes::durationFromJson)),
            Map.entry(META + "FieldsV1", RAW_JSON),
            Map.entry(META + "Verbs", ITEMS),
            Map.entry("k8s.io.apimachinery.pkg.runtime.RawExtension", RAW_JSON),
            Map.entry("k8s.io.apimachinery.pkg.api.resource.Quantity",
                    new Codec(CustomJsonTypes::quantityToJson, CustomJsonTypes::quantityFromJson)),
            Map.entry("k8s.io.apimachinery.pkg.util.intstr.IntOrString",
                    new Codec(CustomJsonTypes::intOrStringToJson, CustomJsonTypes::intOrStringFromJson)),
            Map.entry("k8s.io.api.authentication.v1.ExtraValue", ITEMS),
            Map.entry("k8s.io.api.authorization.v1.ExtraValue", ITEMS),
            Map.entry("k8s.io.api.certificates.v1.ExtraValue", ITEMS));

    private CustomJsonTypes() {
    }

    static boolean handles(Descriptor type) {
        return codec(type) != null;
    }

    static JsonNode toJson(Message message) {
        return codec(message.getDescriptorForType()).toJson().apply(message);
    }

    /** Throws IllegalArgumentException when the JSON value has the wrong shape. */
    static Message fromJson(Descriptor type, JsonNode json) {
        return codec(type).fromJson().apply(type, json);
    }

    private static Codec codec(Descriptor type) {
        return CODECS.get(type.getFullName());
    }

    // metav1.Time: whole seconds (Go drops nanos both ways); an empty message is Go's zero time, written as null.
    private static JsonNode timeToJson(Message m) {
        if (m.getAllFields().isEmpty() || isGoZeroTime(m)) {
            return NullNode.getInstance();
        }
        long seconds = (Long) m.getField(field(m.getDescriptorForType(), "seconds"));
        return NODES.textNode(KubeTimestamps.formatSeconds(seconds));
    }

    private static Message timeFromJson(Descriptor type, JsonNode json) {
        Instant instant = KubeTimestamps.parse(text(json, "a time"));
        return DynamicMessage.newBuilder(type).setField(field(type, "seconds"), instant.getEpochSecond()).build();
    }

    // metav1.MicroTime: seconds and nanos truncated to microseconds.
    private static JsonNode microTimeToJson(Message m) {
        if (m.getAllFields().isEmpty() || isGoZeroTime(m)) {
            return NullNode.getInstance();
        }
        Descriptor type = m.getDescriptorForType();
        return NODES.textNode(KubeTimestamps.formatMicros(
                (Long) m.getField(field(type, "seconds")), (Integer) m.getField(field(type, "nanos"))));
    }

    private static Message microTimeFromJson(Descriptor type, JsonNode json) {
        Instant instant = KubeTimestamps.parse(text(json, "a time"));
        int nanos = instant.getNano() - instant.getNano() % 1000;
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type)
                .setField(field(type, "seconds"), instant.getEpochSecond());
        if (nanos != 0) {
            b.setField(field(type, "nanos"), nanos);
        }
        return b.build();
    }

    private static boolean isGoZeroTime(Message m) {
        Descriptor type = m.getDescriptorForType();
        FieldDescriptor nanos = type.findFieldByName("nanos");
        return (Long) m.getField(field(type, "seconds")) == KubeTimestamps.GO_ZERO_TIME_SECONDS
                && (nanos == null || (Integer) m.getField(nanos) == 0);
    }

    // metav1.Duration: int64 nanoseconds on the wire, Go's Duration.String() in JSON.
    private static JsonNode durationToJson(Message m) {
        return NODES.textNode(GoDuration.format((Long) m.getField(field(m.getDescriptorForType(), "duration"))));
    }

    private static Message durationFromJson(Descriptor type, JsonNode json) {
        return DynamicMessage.newBuilder(type)
                .setField(field(type, "duration"), GoDuration.parse(text(json, "a duration"))).build();
    }

    // resource.Quantity: its canonical string; Go's zero Quantity prints as "0".
    private static JsonNode quantityToJson(Message m) {
        String s = (String) m.getField(field(m.getDescriptorForType(), "string"));
        return NODES.textNode(s.isEmpty() ? "0" : s);
    }

    private static Message quantityFromJson(Descriptor type, JsonNode json) {
        // Go also accepts a bare JSON number for a quantity.
        String s = json.isNumber() ? json.asText() : text(json, "a quantity");
        return DynamicMessage.newBuilder(type).setField(field(type, "string"), s).build();
    }

    // intstr.IntOrString: type 0 is intVal (a JSON number), type 1 is strVal (a JSON string).
    private static JsonNode intOrStringToJson(Message m) {
        Descriptor type = m.getDescriptorForType();
        long kind = (Long) m.getField(field(type, "type"));
        if (kind == 1) {
            return NODES.textNode((String) m.getField(field(type, "strVal")));
        }
        if (kind == 0) {
            return NODES.numberNode((Integer) m.getField(field(type, "intVal")));
        }
        throw new IllegalArgumentException("IntOrString with unknown type " + kind);
    }

    private static Message intOrStringFromJson(Descriptor type, JsonNode json) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
        if (json.isTextual()) {
            return b.setField(field(type, "type"), 1L).setField(field(type, "strVal"), json.textValue()).build();
        }
        if (json.isIntegralNumber() && json.canConvertToInt()) {
            return b.setField(field(type, "type"), 0L).setField(field(type, "intVal"), json.intValue()).build();
        }
        throw new IllegalArgumentException("expected an int32 or a string, got " + json.getNodeType());
    }

    /**
     * runtime.RawExtension and metav1.FieldsV1 hold JSON bytes. A nested protobuf envelope is decoded in turn; absent
     * or empty bytes are Go's nil and print as null.
     */
    private static JsonNode rawJsonToJson(Message m) {
        Descriptor type = m.getDescriptorForType();
        FieldDescriptor raw = type.findFieldByName("raw") != null ? field(type, "raw") : field(type, "Raw");
        byte[] bytes = ((ByteString) m.getField(raw)).toByteArray();
        if (bytes.length == 0) {
            return NullNode.getInstance();
        }
        if (Envelope.hasMagic(bytes)) {
            return KubeProtobuf.decode(bytes);
        }
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException(type.getName() + " does not hold JSON: " + e.getMessage(), e);
        }
    }

    private static Message rawJsonFromJson(Descriptor type, JsonNode json) {
        FieldDescriptor raw = type.findFieldByName("raw") != null ? field(type, "raw") : field(type, "Raw");
        byte[] bytes;
        try {
            bytes = json.isNull() ? EMPTY : JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return DynamicMessage.newBuilder(type).setField(raw, ByteString.copyFrom(bytes)).build();
    }

    // Verbs / ExtraValue: a named []string in Go, wrapped as {items: [...]} in protobuf, a plain array in JSON.
    private static JsonNode itemsToJson(Message m) {
        ArrayNode out = NODES.arrayNode();
        for (Object item : (List<?>) m.getField(field(m.getDescriptorForType(), "items"))) {
            out.add((String) item);
        }
        return out;
    }

    private static Message itemsFromJson(Descriptor type, JsonNode json) {
        if (!json.isArray()) {
            throw new IllegalArgumentException("expected an array of strings, got " + json.getNodeType());
        }
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
        FieldDescriptor items = field(type, "items");
        for (JsonNode item : json) {
            b.addRepeatedField(items, text(item, "a string"));
        }
        return b.build();
    }

    private static FieldDescriptor field(Descriptor type, String name) {
        FieldDescriptor fd = type.findFieldByName(name);
        if (fd == null) {
            throw new IllegalStateException(type.getFullName() + " has no field " + name);
        }
        return fd;
    }

    private static String text(JsonNode json, String what) {
        if (!json.isTextual()) {
            throw new IllegalArgumentException("expected " + what + " as a string, got " + json.getNodeType());
        }
        return json.textValue();
    }
}
