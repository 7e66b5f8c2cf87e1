package io.quarkube.proto.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * Builds a Kubernetes protobuf message from its JSON form, the inverse of {@link ProtoToJson}. Keys the message does
 * not have (such as kind and apiVersion, which travel in the envelope) are skipped, as Go's typed decoding does;
 * {@code null} values leave the field absent, which Go reads as its zero value or nil.
 */
final class JsonToProto {

    private JsonToProto() {
    }

    /** Throws IllegalArgumentException, with the JSON path, for a value of the wrong shape. */
    static Message message(Descriptor type, JsonNode json, String path) {
        if (CustomJsonTypes.handles(type)) {
            try {
                return CustomJsonTypes.fromJson(type, json);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at(path) + e.getMessage(), e);
            }
        }
        if (!json.isObject()) {
            throw new IllegalArgumentException(at(path) + "expected an object for " + type.getName()
                    + ", got " + json.getNodeType());
        }
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        readFields(builder, json, path);
        return builder.build();
    }

    private static void readFields(DynamicMessage.Builder builder, JsonNode object, String path) {
        for (MessageShape.Field field : MessageShape.of(builder.getDescriptorForType()).fields()) {
            FieldDescriptor fd = field.descriptor();
            FieldFacts facts = field.facts();
            if (facts.inline()) {
                // Go always writes an embedded struct; its fields are read from this same JSON object.
                DynamicMessage.Builder inline = DynamicMessage.newBuilder(fd.getMessageType());
                readFields(inline, object, path);
                builder.setField(fd, inline.build());
                continue;
            }
            JsonNode v = object.get(facts.jsonName());
            if (v == null || v.isNull()) {
                continue;
            }
            String fieldPath = path + "." + facts.jsonName();
            if (fd.isMapField()) {
                readMap(builder, fd, v, fieldPath);
            } else if (fd.isRepeated()) {
                if (!v.isArray()) {
                    throw new IllegalArgumentException(at(fieldPath) + "expected an array, got " + v.getNodeType());
                }
                int i = 0;
                for (JsonNode item : v) {
                    builder.addRepeatedField(fd, value(fd, item, fieldPath + "[" + i++ + "]"));
                }
            } else {
                builder.setField(fd, value(fd, v, fieldPath));
            }
        }
    }

    private static void readMap(DynamicMessage.Builder builder, FieldDescriptor fd, JsonNode v, String path) {
        if (!v.isObject()) {
            throw new IllegalArgumentException(at(path) + "expected an object, got " + v.getNodeType());
        }
        Descriptor entryType = fd.getMessageType();
        FieldDescriptor keyField = entryType.findFieldByNumber(1);
        FieldDescriptor valueField = entryType.findFieldByNumber(2);
        if (keyField.getJavaType() != FieldDescriptor.JavaType.STRING) {
            throw new IllegalStateException("map with non-string keys in " + fd.getFullName());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            DynamicMessage.Builder entry = DynamicMessage.newBuilder(entryType).setField(keyField, e.getKey());
            if (!e.getValue().isNull()) {
                entry.setField(valueField, value(valueField, e.getValue(), path + "." + e.getKey()));
            }
            builder.addRepeatedField(fd, entry.build());
        }
    }

    private static Object value(FieldDescriptor fd, JsonNode v, String path) {
        if (v.isNull()) {
            // A null element of a list: Go's zero value.
            return fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                    ? DynamicMessage.getDefaultInstance(fd.getMessageType()) : fd.getDefaultValue();
        }
        switch (fd.getJavaType()) {
            case MESSAGE:
                return message(fd.getMessageType(), v, path);
            case STRING:
                return require(v, v.isTextual(), "a string", path).textValue();
            case BOOLEAN:
                return require(v, v.isBoolean(), "a boolean", path).booleanValue();
            case INT:
                return require(v, v.isIntegralNumber() && v.canConvertToInt(), "an int32", path).intValue();
            case LONG:
                return require(v, v.isIntegralNumber() && v.canConvertToLong(), "an int64", path).longValue();
            case DOUBLE:
                return require(v, v.isNumber(), "a number", path).doubleValue();
            case FLOAT:
                return require(v, v.isNumber(), "a number", path).floatValue();
            case BYTE_STRING:
                require(v, v.isTextual(), "a base64 string", path);
                try {
                    return ByteString.copyFrom(Base64.getDecoder().decode(v.textValue()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(at(path) + "invalid base64: " + e.getMessage(), e);
                }
            default:
                throw new IllegalStateException("unhandled protobuf type " + fd.getType() + " at " + path);
        }
    }

    private static JsonNode require(JsonNode v, boolean ok, String what, String path) {
        if (!ok) {
            throw new IllegalArgumentException(at(path) + "expected " + what + ", got " + v.getNodeType());
        }
        return v;
    }

    private static String at(String path) {
        return path.isEmpty() ? "" : path + ": ";
    }
}
