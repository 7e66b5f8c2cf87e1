package io.quarkube.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.PrimitiveIterator;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

class DeferredWarmupTest {

  private static int polls(int max, double... loads) throws InterruptedException {
    PrimitiveIterator.OfDouble readings = DoubleStream.concat(DoubleStream.of(loads), DoubleStream.generate(() -> 1.0))
        .iterator();
    return DeferredWarmup.awaitQuiet(readings::nextDouble, () -> { }, max);
  }

  @Test
  void waitsForTwoQuietReadingsInARow() throws InterruptedException {
    assertEquals(1, polls(60, 0.1, 0.2));
    assertEquals(4, polls(60, 0.95, 0.3, 0.9, 0.5, 0.4));
  }

  @Test
  void aBusyMachineDelaysTheWarmupOnlyUpToTheLimit() throws InterruptedException {
    assertEquals(50, polls(50, 0.99));
  }

  @Test
  void anUnknownLoadCountsAsQuiet() throws InterruptedException {
    assertEquals(1, polls(60, -1, -1));
  }
}
