package io.quarkube.apiserver.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The paths of keys that appear twice in one object of a request body ({@code spec.replicas}, {@code
 * spec.containers[0].image}). A tree parser keeps only the last value, so the duplicates are found on the token
 * stream; field validation reports them as upstream's strict decoder does ({@code duplicate field "..."}).
 */
public final class DuplicateFields {
  /** {@link Json#FACTORY}'s parsers (no name canonicalization); the strict one also refuses duplicate keys. */
  private static final JsonFactory JSON = Json.FACTORY;
  private static final JsonFactory STRICT = Json.FACTORY.rebuild()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private DuplicateFields() {}

  /** One open object or array: the keys seen so far (objects) or the next index (arrays), and its path. */
  private static final class Level {
    final String path;
    final Set<String> keys = new HashSet<>();
    final boolean array;
    int index;
    String field;

    Level(String path, boolean array) {
      this.path = path;
      this.array = array;
    }

    /** The path of the value about to be read at this level. */
    String child() {
      if (array) {
        return path + "[" + index++ + "]";
      }
      return path.isEmpty() ? field : path + "." + field;
    }
  }

  public static List<String> inJson(byte[] body) {
    return hasNone(body) ? List.of() : find(JSON, body);
  }

  /**
   * A quick pass of Jackson's own duplicate detection over the tokens: true when no object repeats a key (the
   * usual body), so the paths need not be built for every value as {@link #find} does.
   */
  private static boolean hasNone(byte[] body) {
    try (JsonParser p = STRICT.createParser(body)) {
      while (p.nextToken() != null) {
        // every token is read: the parser checks each object's keys as it goes
      }
      return true;
    } catch (IOException e) {
      return false; // a duplicate, or a body that does not parse: find tells which
    }
  }

  /** Duplicates in a body parsed by {@code factory}; none when it cannot be read (the tree parser reports that). */
  public static List<String> find(JsonFactory factory, byte[] body) {
    List<String> found = new ArrayList<>();
    Deque<Level> stack = new ArrayDeque<>();
    try (JsonParser p = factory.createParser(body)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        Level top = stack.peek();
        switch (t) {
          case FIELD_NAME -> {
            top.field = p.currentName();
            if (!top.keys.add(top.field)) {
              found.add(top.path.isEmpty() ? top.field : top.path + "." + top.field);
            }
          }
          case START_OBJECT, START_ARRAY -> stack.push(new Level(top == null ? "" : top.child(),
              t == JsonToken.START_ARRAY));
          case END_OBJECT, END_ARRAY -> stack.pop();
          default -> {
            if (top != null && top.array) {
              top.index++;
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return found;
    }
    return found;
  }

  private static final JsonFactory YAML = new com.fasterxml.jackson.dataformat.yaml.YAMLFactory();

  /**
   * Keys repeated in one mapping of a YAML body, as go-yaml's strict decoding reports them: {@code line 9: key "foo"
   * already set in map} (1-based line of the repeated key). Empty when the body does not parse (the tree parser
   * reports that).
   */
  public static List<String> inYamlByLine(byte[] body) {
    List<String> found = new ArrayList<>();
    Deque<Set<String>> objects = new ArrayDeque<>();
    try (JsonParser p = YAML.createParser(body)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        switch (t) {
          case START_OBJECT -> objects.push(new HashSet<>());
          case END_OBJECT -> objects.pop();
          case FIELD_NAME -> {
            if (!objects.peek().add(p.currentName())) {
              found.add("line " + p.currentTokenLocation().getLineNr() + ": key \"" + p.currentName()
                  + "\" already set in map");
            }
          }
          default -> {
            // values and arrays carry no keys
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return found;
    }
    return found;
  }
}
