package io.quarkube.kubelet.server;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8s.cri.runtime.v1.ContainerState;
import io.k8s.cri.runtime.v1.ContainerStatusRequest;
import io.quarkube.kubelet.cri.CriClient;
import io.quarkube.kubelet.runtime.ContainerInfo;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * {@code GET /containerLogs/<namespace>/<pod>/<container>}: the container's log as plain text, chunked; with
 * {@code follow=true} held open until the container stops or the client leaves. Runs on a worker thread and blocks
 * while the client is slower than the log (so a big log never piles up in memory).
 */
final class ContainerLogsHandler implements Handler<RoutingContext> {
  private static final Logger LOG = Logger.getLogger(ContainerLogsHandler.class);

  private final ContainerLocator locator;
  private final CriClient cri;

  ContainerLogsHandler(ContainerLocator locator, CriClient cri) {
    this.locator = locator;
    this.cri = cri;
  }

  @Override
  public void handle(RoutingContext rc) {
    HttpServerResponse response = rc.response();
    try {
      LogOptions options = LogOptions.parse(rc.queryParams(), Instant.now());
      Pod pod = locator.pod(rc.pathParam("namespace"), rc.pathParam("pod"));
      String name = rc.pathParam("container");
      ContainerInfo container = options.previous() ? locator.previous(pod, name) : locator.current(pod, name);
      var file = locator.logFile(pod, container);
      response.setChunked(true).putHeader("Content-Type", "text/plain");
      ResponseSink sink = new ResponseSink(response);
      response.write(Buffer.buffer()); // the head now, so a client following an empty log sees 200 at once
      new CriLogReader(options, sink).copy(file, () -> running(container.id()));
      if (!sink.closed) {
        response.end();
      }
    } catch (Errors.KubeletException e) {
      Errors.send(rc, e);
    } catch (IOException | RuntimeException e) {
      LOG.warnf("logs of %s failed: %s", rc.request().path(), e.toString());
      Errors.send(rc, 500, "InternalError", e.toString());
    }
  }

  private boolean running(String containerId) {
    try {
      return cri.runtime(Duration.ofSeconds(10)).containerStatus(ContainerStatusRequest.newBuilder()
          .setContainerId(containerId).build()).getStatus().getState() == ContainerState.CONTAINER_RUNNING;
    } catch (RuntimeException e) {
      return !CriClient.isNotFound(e);
    }
  }

  /** Writes to the response from a worker thread, waiting while Vert.x' write queue is full. */
  static final class ResponseSink implements CriLogReader.Sink {
    private final HttpServerResponse response;
    volatile boolean closed;

    ResponseSink(HttpServerResponse response) {
      this.response = response;
      response.closeHandler(v -> closed = true);
      response.exceptionHandler(e -> closed = true);
    }

    @Override
    public boolean write(byte[] data) {
      if (closed) {
        return false;
      }
      if (data.length == 0) {
        return true;
      }
      response.write(Buffer.buffer(data));
      if (response.writeQueueFull()) {
        CountDownLatch drained = new CountDownLatch(1);
        response.drainHandler(v -> drained.countDown());
        if (!response.writeQueueFull()) {
          drained.countDown();
        }
        try {
          while (!drained.await(1, TimeUnit.SECONDS)) {
            if (closed) {
              return false;
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return !closed;
    }
  }
}
