package io.quarkube.machinery.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The built-in types in {@code kubernetes-apply-schema.txt} (format in its header), turned into {@link Schema}s on
 * first use. Kept as data, extracted from upstream's Go types, so that a new kind is a table change.
 */
final class SchemaTable {

    private static final String RESOURCE = "kubernetes-apply-schema.txt";

    private static final class Holder {
        static final SchemaTable TABLE = load();
    }

    private final Map<String, String> kinds = new HashMap<>();
    private final Map<String, Boolean> atomicTypes = new HashMap<>();
    private final Map<String, List<String[]>> typeLines = new HashMap<>();
    private final Map<String, Schema> types = new ConcurrentHashMap<>();

    static SchemaTable get() {
        return Holder.TABLE;
    }

    private static SchemaTable load() {
        try (InputStream in = SchemaTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            SchemaTable t = new SchemaTable();
            t.parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void parse(BufferedReader reader) throws IOException {
        List<String[]> current = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("kind ")) {
                String[] f = line.trim().split("\\s+");
                kinds.put(f[1] + " " + f[2], f[3]);
            } else if (line.startsWith("type ")) {
                String[] f = line.trim().split("\\s+");
                current = new ArrayList<>();
                typeLines.put(f[1], current);
                atomicTypes.put(f[1], f.length > 2 && f[2].equals("atomic"));
            } else if (current != null && line.startsWith("  ")) {
                current.add(line.trim().split(" ", 3));
            } else {
                throw new IllegalStateException("bad line in " + RESOURCE + ": " + line);
            }
        }
    }

    Schema kind(String apiVersion, String kind) {
        String type = kinds.get(apiVersion + " " + kind);
        return type == null ? null : type(type);
    }

    /** The kinds as "apiVersion Kind". */
    Iterable<String> kindKeys() {
        return kinds.keySet();
    }

    Schema type(String name) {
        Schema s = types.get(name);
        if (s == null) {
            s = build(name);
            Schema prev = types.putIfAbsent(name, s);
            if (prev != null) {
                s = prev;
            }
        }
        return s;
    }

    private Schema build(String name) {
        List<String[]> lines = typeLines.get(name);
        if (lines == null) {
            throw new IllegalStateException("type " + name + " missing from " + RESOURCE);
        }
        Map<String, Schema.Field> fields = new LinkedHashMap<>();
        for (String[] l : lines) {
            String field = l[0];
            String shape = l[1];
            Schema.Omit omit = Schema.Omit.NEVER;
            JsonNode zero = null;
            JsonNode def = null;
            if (l.length > 2) {
                String rest = l[2];
                while (!rest.isEmpty()) {
                    if (rest.startsWith("default=")) {
                        def = json(rest.substring("default=".length()));
                        break;
                    }
                    int sp = rest.indexOf(' ');
                    String tok = sp < 0 ? rest : rest.substring(0, sp);
                    rest = sp < 0 ? "" : rest.substring(sp + 1);
                    if (tok.equals("o=ptr")) {
                        omit = Schema.Omit.NULL;
                    } else if (tok.equals("o=val")) {
                        omit = Schema.Omit.EMPTY;
                    } else if (tok.startsWith("z=")) {
                        zero = json(tok.substring(2));
                    } else {
                        throw new IllegalStateException("bad field in " + name + ": " + Arrays.toString(l));
                    }
                }
            }
            Supplier<Schema> type = new Schema.Lazy<>(() -> new ShapeParser(shape).parse());
            fields.put(field, new Schema.Field(field, type, def, new Schema.GoField(omit, zero)));
        }
        MapType mt = atomicTypes.get(name) ? MapType.ATOMIC : MapType.GRANULAR;
        return new Schema(name, false, null, null, mt, Collections.unmodifiableMap(fields), null, true);
    }

    private static JsonNode json(String text) {
        try {
            return Values.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bad JSON in " + RESOURCE + ": " + text, e);
        }
    }

    /** Reads one shape: s, x, u, @T, !a@T, M(e), Ma(e), La(e), Ls(e), Lm:k1,k2(e). */
    private final class ShapeParser {
        private final String text;
        private int pos;

        ShapeParser(String text) {
            this.text = text;
        }

        Schema parse() {
            Schema s = shape();
            if (pos != text.length()) {
                throw error();
            }
            return s;
        }

        private Schema shape() {
            char c = text.charAt(pos++);
            switch (c) {
                case 's':
                    return Schema.scalar();
                case 'x':
                    return Schema.untypedAtomic();
                case 'u':
                    return Schema.deduced();
                case '@':
                    return type(name());
                case '!': {
                    MapType override = text.charAt(pos++) == 'a' ? MapType.ATOMIC : MapType.GRANULAR;
                    expect('@');
                    return type(name()).withMapType(override);
                }
                case 'M': {
                    MapType mt = MapType.GRANULAR;
                    if (text.charAt(pos) == 'a') {
                        pos++;
                        mt = MapType.ATOMIC;
                    }
                    Schema elem = element();
                    return new Schema("map", false, null, null, mt, Map.of(), () -> elem, false);
                }
                case 'L': {
                    char t = text.charAt(pos++);
                    ListSemantics ls;
                    if (t == 'a') {
                        ls = ListSemantics.atomic();
                    } else if (t == 's') {
                        ls = ListSemantics.set();
                    } else if (t == 'm') {
                        expect(':');
                        int open = text.indexOf('(', pos);
                        ls = ListSemantics.map(Arrays.asList(text.substring(pos, open).split(",")));
                        pos = open;
                    } else {
                        throw error();
                    }
                    Schema elem = element();
                    return new Schema("list", false, ls, () -> elem, null, Map.of(), null, false);
                }
                default:
                    throw error();
            }
        }

        private Schema element() {
            expect('(');
            Schema e = shape();
            expect(')');
            return e;
        }

        private String name() {
            int start = pos;
            while (pos < text.length() && text.charAt(pos) != ')') {
                pos++;
            }
            return text.substring(start, pos);
        }

        private void expect(char c) {
            if (pos >= text.length() || text.charAt(pos) != c) {
                throw error();
            }
            pos++;
        }

        private IllegalStateException error() {
            return new IllegalStateException("bad shape in " + RESOURCE + ": " + text + " at " + pos);
        }
    }
}
