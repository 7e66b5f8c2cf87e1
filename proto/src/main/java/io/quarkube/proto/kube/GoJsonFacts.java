package io.quarkube.proto.kube;

import com.google.protobuf.Descriptors.FieldDescriptor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The table {@code go-json-fields.tsv} (derived from the Go struct tags of the same Kubernetes release by
 * {@code proto/tools/go_json_facts.py}): per message and field number, the facts that differ from the default
 * "JSON name = proto name, omitempty, not nilable". Needed because Go's protobuf writer puts every non-pointer field
 * on the wire, so presence on the wire alone cannot tell which keys Go's JSON writer would have emitted.
 */
final class GoJsonFacts {

    private static final String RESOURCE = "go-json-fields.tsv";

    private final Map<String, Map<Integer, FieldFacts>> byMessage;

    private GoJsonFacts(Map<String, Map<Integer, FieldFacts>> byMessage) {
        this.byMessage = byMessage;
    }

    static GoJsonFacts load() {
        try (InputStream in = GoJsonFacts.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static GoJsonFacts parse(BufferedReader reader) throws IOException {
        Map<String, Map<Integer, FieldFacts>> byMessage = new HashMap<>();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t");
            String jsonName = cols[2];
            boolean inline = false;
            boolean keep = false;
            boolean nilable = false;
            for (String flag : cols[3].split(",")) {
                if (flag.equals("inline")) {
                    inline = true;
                } else if (flag.equals("keep")) {
                    keep = true;
                } else if (flag.equals("nilable")) {
                    nilable = true;
                } else if (flag.startsWith("json=")) {
                    jsonName = flag.substring("json=".length());
                } else {
                    throw new IllegalStateException("unknown flag in " + RESOURCE + ": " + line);
                }
            }
            byMessage.computeIfAbsent(cols[0], k -> new HashMap<>())
                    .put(Integer.parseInt(cols[1]), new FieldFacts(jsonName, inline, keep, nilable));
        }
        return new GoJsonFacts(byMessage);
    }

    FieldFacts of(FieldDescriptor field) {
        Map<Integer, FieldFacts> fields = byMessage.get(field.getContainingType().getFullName());
        FieldFacts facts = fields == null ? null : fields.get(field.getNumber());
        return facts != null ? facts : new FieldFacts(field.getName(), false, false, false);
    }
}
