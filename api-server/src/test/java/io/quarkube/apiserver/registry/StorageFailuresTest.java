package io.quarkube.apiserver.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.storage.StorageException;
import org.junit.jupiter.api.Test;

/** etcd failures as upstream reports them: an unanswered request is a 504 Timeout, anything else a 500. */
class StorageFailuresTest {
  @Test
  void aTimeoutIs504AndAnUnavailableEtcdIs500() {
    ApiException timeout = StorageFailures.toApi(new StorageException.Timeout("etcd request timed out after 30s",
        null));
    assertEquals(504, timeout.code());
    assertTrue(timeout.getMessage().startsWith("Timeout: request did not complete within requested timeout"),
        timeout.getMessage());
    ApiException down = StorageFailures.toApi(new StorageException("etcd request failed: UNAVAILABLE: io exception"));
    assertEquals(500, down.code());
    assertEquals("Internal error occurred: etcd request failed: UNAVAILABLE: io exception", down.getMessage());
  }
}
