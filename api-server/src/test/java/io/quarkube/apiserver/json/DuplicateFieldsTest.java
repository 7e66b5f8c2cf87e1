package io.quarkube.apiserver.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DuplicateFieldsTest {
  private static List<String> dups(String json) {
    return DuplicateFields.inJson(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void findsRepeatedKeysWithTheirPaths() {
    assertEquals(List.of(), dups("{\"a\":1,\"b\":{\"a\":2},\"c\":[{\"a\":1},{\"a\":2}]}"));
    assertEquals(List.of("data"), dups("{\"data\":{\"a\":\"b\"},\"data\":{\"c\":\"d\"}}"));
    assertEquals(List.of("spec.replicas"), dups("{\"spec\":{\"replicas\":1,\"x\":[1,2],\"replicas\":2}}"));
    assertEquals(List.of("spec.containers[1].image"), dups(
        "{\"spec\":{\"containers\":[{\"image\":\"a\"},{\"image\":\"a\",\"image\":\"b\"}]}}"));
    assertEquals(List.of("x[2].k"), dups("{\"x\":[1,\"s\",{\"k\":1,\"k\":2}]}"));
  }

  @Test
  void unreadableBodiesYieldWhatWasFoundSoFar() {
    assertEquals(List.of(), dups("{\"a\":"));
  }

  @Test
  void yamlDuplicatesAreNamedByLineAsGoYamlDoes() {
    String yaml = "\napiVersion: v1\nkind: X\nmetadata:\n  name: n\nspec:\n  unknown: uk1\n  foo: foo1\n"
        + "  foo: foo2\n  list:\n  - a: 1\n    a: 2\n";
    assertEquals(List.of("line 9: key \"foo\" already set in map", "line 12: key \"a\" already set in map"),
        DuplicateFields.inYamlByLine(yaml.getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of(), DuplicateFields.inYamlByLine("a: 1\nb:\n  a: 1\n".getBytes(StandardCharsets.UTF_8)));
  }
}
