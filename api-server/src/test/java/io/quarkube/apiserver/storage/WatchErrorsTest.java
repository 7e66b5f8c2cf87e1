package io.quarkube.apiserver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.testing.EtcdServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * etcd going away, against a real etcd that is stopped. A watch's error reaches its listener without jetcd's internal
 * lock held. jetcd reports a broken watch while holding the lock that opening a watch takes too; the watch cache
 * stopping on that error (waiting for its own lock) while another thread restarted the cache under that lock (opening a
 * watch) deadlocked the whole API server when etcd restarted.
 */
class WatchErrorsTest {
  private static final StorageWatchListener IGNORE = new StorageWatchListener() {
    @Override
    public void onEvents(List<StorageEvent> events) {}

    @Override
    public void onError(Throwable error) {}
  };

  @Test
  void theHealthCheckGivesUpOnAStuckEtcdAfterItsOwnTimeout() throws Exception {
    EtcdServer etcd = EtcdServer.start();
    try (EtcdStorage storage = new EtcdStorage(etcd.endpoint())) {
      storage.checkHealthy(Duration.ofSeconds(2));
      signal(etcd, "STOP"); // alive but not answering
      try {
        StorageException e = assertThrows(StorageException.Timeout.class,
            () -> storage.checkHealthy(Duration.ofSeconds(2)));
        assertEquals("etcd request timed out after 2s", e.getMessage());
      } finally {
        signal(etcd, "CONT");
      }
    } finally {
      etcd.close();
    }
  }

  private static void signal(EtcdServer etcd, String signal) throws Exception {
    long pid = etcd.pid().orElseThrow();
    assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
  }

  @Test
  void aListenerMayWaitForAnotherThreadOpeningAWatchWhenEtcdGoesAway() throws Exception {
    EtcdServer etcd = EtcdServer.start();
    try (EtcdStorage storage = new EtcdStorage(etcd.endpoint())) {
      CompletableFuture<Throwable> reported = new CompletableFuture<>();
      CompletableFuture<Boolean> otherWatchOpened = new CompletableFuture<>();
      storage.watch("/registry/pods/", 0, new StorageWatchListener() {
        @Override
        public void onEvents(List<StorageEvent> events) {}

        @Override
        public void onError(Throwable error) {
          // As the watch cache does: another thread opens a watch while this one waits for it.
          CompletableFuture<Void> open = CompletableFuture.runAsync(
              () -> storage.watch("/registry/services/", 0, IGNORE).close());
          try {
            open.get(5, TimeUnit.SECONDS);
            otherWatchOpened.complete(true);
          } catch (Exception e) {
            otherWatchOpened.complete(false);
          }
          reported.complete(error);
        }
      });
      storage.create("/registry/pods/default/a", new byte[] {'{', '}'});
      etcd.close();
      assertNotNull(reported.get(60, TimeUnit.SECONDS), "the watch reports that etcd went away");
      assertTrue(otherWatchOpened.get(), "another thread opened a watch while the listener waited for it");
    } finally {
      etcd.close();
    }
  }
}
