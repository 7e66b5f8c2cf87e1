package io.quarkube.machinery.patch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The type graph in {@code kubernetes-patch-meta.txt}: for each Go type, the fields that carry patch tags or lead to
 * one. Kept as data, generated from upstream's Go sources, so that adding a kind is a table change, not code.
 */
final class PatchMetaTable {

    /** One field: its tags and, for structs and lists of structs, the type of its value or elements. */
    record Field(FieldPatchMeta meta, String type) {
    }

    private static final String RESOURCE = "kubernetes-patch-meta.txt";

    private final Map<String, String> kinds = new HashMap<>();
    private final Map<String, Map<String, Field>> types = new HashMap<>();

    static PatchMetaTable load() {
        try (InputStream in = PatchMetaTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            PatchMetaTable table = new PatchMetaTable();
            table.parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
            return table;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void parse(BufferedReader reader) throws IOException {
        Map<String, Field> current = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (line.startsWith("kind ")) {
                kinds.put(kindKey(f[1], f[2]), f[3]);
            } else if (line.startsWith("type ")) {
                current = types.computeIfAbsent(f[1], k -> new HashMap<>());
            } else if (current != null && f.length == 4) {
                FieldPatchMeta meta = FieldPatchMeta.parse(dash(f[1]), dash(f[2]));
                current.put(f[0], new Field(meta, dash(f[3])));
            } else {
                throw new IllegalStateException("bad line in " + RESOURCE + ": " + line);
            }
        }
    }

    private static String dash(String s) {
        return "-".equals(s) ? "" : s;
    }

    static String kindKey(String apiVersion, String kind) {
        return apiVersion + " " + kind;
    }

    /** The root type of a kind, or null for kinds not in the table. */
    String typeOf(String apiVersion, String kind) {
        return kinds.get(kindKey(apiVersion, kind));
    }

    /** A field of a type, or null when the type has no tagged field below that name. */
    Field field(String type, String name) {
        Map<String, Field> fields = types.get(type);
        return fields == null ? null : fields.get(name);
    }

    Iterable<String> kindKeys() {
        return kinds.keySet();
    }
}
