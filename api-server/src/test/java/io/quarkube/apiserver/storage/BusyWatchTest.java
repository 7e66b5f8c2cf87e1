package io.quarkube.apiserver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.testing.EtcdServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Writes and reads are answered while a watch listener is still busy with a change (the watch cache decoding and
 * fanning out a burst): they do not queue behind the watches' work.
 */
class BusyWatchTest {
  @Test
  void writesAndReadsCompleteWhileAWatchListenerIsBusy() throws Exception {
    String prefix = "/registry/configmaps/busy-" + UUID.randomUUID().toString().substring(0, 6) + "/";
    byte[] value = "v".getBytes(StandardCharsets.UTF_8);
    CountDownLatch listenerEntered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (EtcdStorage s = new EtcdStorage(EtcdServer.shared().endpoint())) {
      StorageWatch w = s.watch(prefix, s.currentRevision(), new StorageWatchListener() {
        @Override
        public void onEvents(List<StorageEvent> events) {
          listenerEntered.countDown();
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }

        @Override
        public void onError(Throwable error) {}
      });
      try {
        s.create(prefix + "first", value);
        assertTrue(listenerEntered.await(30, TimeUnit.SECONDS), "the watch got the first change");
        // The listener holds on to the first change; these would wait for it on a connection shared with the watch.
        s.create(prefix + "second", value);
        assertEquals(2, s.list(prefix, null, 0, 0).items().size());
        assertTrue(s.get(prefix + "second").isPresent());
      } finally {
        release.countDown();
        w.close();
      }
    }
  }
}
