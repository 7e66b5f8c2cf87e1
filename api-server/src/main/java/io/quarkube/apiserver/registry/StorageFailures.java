package io.quarkube.apiserver.registry;

import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.storage.StorageException;

/** How a failure of etcd reaches the client, as upstream's API server reports it. */
public final class StorageFailures {
  private StorageFailures() {}

  /**
   * 504 Timeout when etcd did not answer in time (the request may still be applied: its outcome is unknown, as
   * upstream's "request did not complete within requested timeout" says), else 500 InternalError.
   */
  public static ApiException toApi(StorageException e) {
    if (e instanceof StorageException.Timeout) {
      return ApiException.timeout("Timeout: request did not complete within requested timeout - " + e.getMessage());
    }
    return ApiException.internal(e.getMessage());
  }
}
