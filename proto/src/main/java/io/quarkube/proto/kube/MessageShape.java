package io.quarkube.proto.kube;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The JSON layout of one message: its fields in declaration order, each with its Go JSON facts. Cached per type. */
final class MessageShape {

    /** One proto field and how it appears in JSON. */
    record Field(FieldDescriptor descriptor, FieldFacts facts) {
    }

    private static final Map<Descriptor, MessageShape> CACHE = new ConcurrentHashMap<>();
    private static final GoJsonFacts FACTS = GoJsonFacts.load();

    private final List<Field> fields;

    private MessageShape(List<Field> fields) {
        this.fields = fields;
    }

    static MessageShape of(Descriptor message) {
        return CACHE.computeIfAbsent(message, MessageShape::build);
    }

    private static MessageShape build(Descriptor message) {
        List<Field> fields = new ArrayList<>();
        for (FieldDescriptor fd : message.getFields()) {
            fields.add(new Field(fd, FACTS.of(fd)));
        }
        return new MessageShape(List.copyOf(fields));
    }

    List<Field> fields() {
        return fields;
    }
}
