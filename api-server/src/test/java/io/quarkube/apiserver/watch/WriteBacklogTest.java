package io.quarkube.apiserver.watch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WriteBacklogTest {
  @Test
  void onlyWritesWhileTheQueueIsFullCountAndADrainStartsTheCountAgain() {
    WriteBacklog b = new WriteBacklog(100);
    assertFalse(b.wrote(1000, false), "a queue under its mark is a client that keeps up");
    assertTrue(b.needsDrainHandler(true));
    assertFalse(b.needsDrainHandler(true), "one drain handler per full spell");
    assertFalse(b.wrote(60, true));
    b.drained();
    assertFalse(b.wrote(60, true), "the client read: counting starts again");
    assertTrue(b.wrote(60, true), "over the limit without a drain");
    assertTrue(b.exceeded());
    assertFalse(b.wrote(60, true), "reported once");
  }
}
