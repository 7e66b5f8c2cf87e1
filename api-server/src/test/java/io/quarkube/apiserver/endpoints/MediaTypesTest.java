package io.quarkube.apiserver.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class MediaTypesTest {
  static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";

  @Test
  void answersWithoutATableFormSkipTableAndAre406WhenNothingElseIsAccepted() {
    assertEquals(Optional.empty(), MediaTypes.plainOutput(TABLE));
    assertEquals(Optional.empty(), MediaTypes.plainOutput("application/json;as=PartialObjectMetadata;v=v1;"
        + "g=meta.k8s.io"));
    assertEquals(Optional.of(MediaTypes.Output.JSON), MediaTypes.plainOutput(TABLE + ",application/json"));
    assertEquals(Optional.of(MediaTypes.Output.YAML), MediaTypes.plainOutput("application/yaml"));
    assertEquals(Optional.of(MediaTypes.Output.JSON), MediaTypes.plainOutput(null));
    assertEquals(Optional.of(MediaTypes.Output.JSON), MediaTypes.plainOutput(
        "application/vnd.kubernetes.protobuf,application/json"));
    assertEquals(MediaTypes.Output.TABLE, MediaTypes.output(TABLE), "lists and gets still get their Table");
  }
}
