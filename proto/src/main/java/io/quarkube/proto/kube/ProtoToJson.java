package io.quarkube.proto.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;

/**
 * Writes a Kubernetes protobuf message as the JSON that Go would write for the same object after reading it:
 * a field absent from the wire is Go's zero value (nil for pointers, slices and maps), and Go's JSON writer then
 * drops zero values of {@code omitempty} fields, writes {@code null} for nil non-omitempty ones, and always writes
 * struct-typed fields (omitempty has no effect on structs).
 */
final class ProtoToJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ProtoToJson() {
    }

    /** The message's fields as a JSON object (for a custom-JSON type use {@link #value}). */
    static ObjectNode object(Message message) {
        ObjectNode out = NODES.objectNode();
        writeFields(message, out);
        return out;
    }

    private static void writeFields(Message message, ObjectNode out) {
        for (MessageShape.Field field : MessageShape.of(message.getDescriptorForType()).fields()) {
            FieldDescriptor fd = field.descriptor();
            FieldFacts facts = field.facts();
            if (facts.inline()) {
                writeFields((Message) message.getField(fd), out);
            } else if (fd.isRepeated()) {
                writeCollection(message, fd, facts, out);
            } else if (facts.nilable() && !message.hasField(fd)) {
                if (facts.keep()) {
                    out.putNull(facts.jsonName());
                }
            } else if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                // getField of an absent message field gives its default instance: Go's zero struct.
                out.set(facts.jsonName(), value(fd, message.getField(fd)));
            } else {
                Object v = message.getField(fd);
                if (facts.nilable() || facts.keep() || !isZero(v)) {
                    out.set(facts.jsonName(), value(fd, v));
                }
            }
        }
    }

    private static void writeCollection(Message message, FieldDescriptor fd, FieldFacts facts, ObjectNode out) {
        if (message.getRepeatedFieldCount(fd) == 0) {
            // Protobuf cannot tell an empty slice/map from nil; Go reads both as nil.
            if (facts.keep()) {
                out.putNull(facts.jsonName());
            }
            return;
        }
        List<?> items = (List<?>) message.getField(fd);
        if (fd.isMapField()) {
            FieldDescriptor keyField = fd.getMessageType().findFieldByNumber(1);
            FieldDescriptor valueField = fd.getMessageType().findFieldByNumber(2);
            // Go's JSON writer sorts map keys; a key repeated on the wire keeps its last value, as in Go.
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            for (Object item : items) {
                Message entry = (Message) item;
                sorted.put(String.valueOf(entry.getField(keyField)), value(valueField, entry.getField(valueField)));
            }
            out.putObject(facts.jsonName()).setAll(sorted);
        } else {
            ArrayNode array = out.putArray(facts.jsonName());
            for (Object item : items) {
                array.add(value(fd, item));
            }
        }
    }

    /** One value of a field (an element, for repeated fields). */
    static JsonNode value(FieldDescriptor fd, Object v) {
        switch (fd.getType()) {
            case MESSAGE:
            case GROUP:
                Message m = (Message) v;
                return CustomJsonTypes.handles(m.getDescriptorForType()) ? CustomJsonTypes.toJson(m) : object(m);
            case STRING:
                return NODES.textNode((String) v);
            case BOOL:
                return NODES.booleanNode((Boolean) v);
            case INT32:
            case SINT32:
            case SFIXED32:
                return NODES.numberNode((Integer) v);
            case UINT32:
            case FIXED32:
                return integral(Integer.toUnsignedLong((Integer) v));
            case INT64:
            case SINT64:
            case SFIXED64:
                return integral((Long) v);
            case UINT64:
            case FIXED64:
                return NODES.numberNode(new BigInteger(Long.toUnsignedString((Long) v)));
            case DOUBLE:
                return NODES.numberNode((Double) v);
            case FLOAT:
                return NODES.numberNode((Float) v);
            case BYTES:
                // Go's encoding/json writes []byte as standard base64 with padding.
                return NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
            case ENUM:
                return NODES.textNode(((com.google.protobuf.Descriptors.EnumValueDescriptor) v).getName());
            default:
                throw new IllegalStateException("unhandled protobuf type " + fd.getType());
        }
    }

    /** An IntNode when the value fits, as Jackson's parser gives, so that decoded and parsed JSON compare equal. */
    private static JsonNode integral(long v) {
        return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
    }

    private static boolean isZero(Object v) {
        if (v instanceof String s) {
            return s.isEmpty();
        }
        if (v instanceof Boolean b) {
            return !b;
        }
        if (v instanceof Integer i) {
            return i == 0;
        }
        if (v instanceof Long l) {
            return l == 0L;
        }
        if (v instanceof Double d) {
            return d == 0.0;
        }
        if (v instanceof Float f) {
            return f == 0.0f;
        }
        if (v instanceof ByteString b) {
            return b.isEmpty();
        }
        return false;
    }
}
