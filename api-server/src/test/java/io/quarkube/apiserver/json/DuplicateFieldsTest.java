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
}
