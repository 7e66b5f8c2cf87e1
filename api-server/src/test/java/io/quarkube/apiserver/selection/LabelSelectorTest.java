package io.quarkube.apiserver.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.apiserver.errors.ApiException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {
  private static final Map<String, String> LABELS = Map.of("app", "web", "tier", "front", "n", "5");

  @Test
  void equalityAndSetBasedRequirements() {
    assertTrue(LabelSelector.parse("app=web").matches(LABELS));
    assertTrue(LabelSelector.parse("app==web,tier=front").matches(LABELS));
    assertFalse(LabelSelector.parse("app!=web").matches(LABELS));
    assertTrue(LabelSelector.parse("missing!=x").matches(LABELS), "!= matches objects without the label");
    assertTrue(LabelSelector.parse("tier in (front, back)").matches(LABELS));
    assertFalse(LabelSelector.parse("tier notin (front)").matches(LABELS));
    assertTrue(LabelSelector.parse("missing notin (a)").matches(LABELS));
    assertTrue(LabelSelector.parse("app").matches(LABELS));
    assertFalse(LabelSelector.parse("!app").matches(LABELS));
    assertTrue(LabelSelector.parse("n>3,n<6").matches(LABELS));
    assertTrue(LabelSelector.parse("").matches(Map.of()));
    assertTrue(LabelSelector.parse("app in (web),tier").matches(LABELS));
  }

  @Test
  void malformedSelectorsAreBadRequests() {
    ApiException e = assertThrows(ApiException.class, () -> LabelSelector.parse("tier in (a"));
    assertEquals(400, e.code());
    assertThrows(ApiException.class, () -> LabelSelector.parse("a b"));
    assertThrows(ApiException.class, () -> LabelSelector.parse("tier in front"));
    assertThrows(ApiException.class, () -> LabelSelector.parse("-bad=x"));
  }

  @Test
  void fieldSelectorsAllowOnlyKnownFields() {
    Set<String> fields = Set.of("metadata.name", "status.phase");
    FieldSelector s = FieldSelector.parse("status.phase!=Failed,metadata.name=x", fields, "Pod");
    assertTrue(s.matches(Map.of("metadata.name", "x", "status.phase", "Running")));
    assertFalse(s.matches(Map.of("metadata.name", "x", "status.phase", "Failed")));
    ApiException e = assertThrows(ApiException.class, () -> FieldSelector.parse("spec.x=1", fields, "Pod"));
    assertEquals("field label not supported: spec.x", e.getMessage());
  }
}
