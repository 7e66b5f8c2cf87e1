package io.quarkube.kubelet.probes;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkube.kubelet.probes.ProbeRunner.Outcome;
import io.quarkube.proto.grpc.health.v1.HealthCheckRequest;
import io.quarkube.proto.grpc.health.v1.HealthCheckResponse;
import io.quarkube.proto.grpc.health.v1.HealthGrpc;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC probe as upstream's (pkg/probe/grpc): {@code grpc.health.v1.Health/Check} for the probe's service name, in
 * plain text to the pod IP, within the probe's timeout. Only SERVING passes; an answer of another status, a server
 * without the health service, no connection or no answer in time fail, with upstream's texts for the Unhealthy event.
 */
final class GrpcProbe {
  private GrpcProbe() {}

  static Outcome check(String host, int port, String service, int timeoutSeconds) {
    String target = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    ManagedChannel channel = NettyChannelBuilder.forAddress(host, port).usePlaintext()
        .userAgent("kube-probe/1.32").build();
    try {
      HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS).withWaitForReady()
          .check(HealthCheckRequest.newBuilder().setService(service == null ? "" : service).build());
      if (response.getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
        return Outcome.failed("service unhealthy (responded with \"" + response.getStatus().name() + "\")");
      }
      return Outcome.ok("service healthy");
    } catch (StatusRuntimeException e) {
      boolean connected = channel.getState(false) == io.grpc.ConnectivityState.READY;
      return Outcome.failed(failure(e.getStatus(), connected, target, timeoutSeconds));
    } finally {
      channel.shutdownNow();
    }
  }

  /**
   * Upstream's texts: it dials with a block until connected, so a server that cannot be reached within the timeout
   * is "failed to connect" (the call waits for the connection, as that dial), one that connected but did not answer
   * in time "did not complete"; a call the server answers with Unimplemented has no health service.
   */
  static String failure(Status status, boolean connected, String target, int timeoutSeconds) {
    return switch (status.getCode()) {
      case UNIMPLEMENTED -> "this server does not implement the grpc health protocol (grpc.health.v1.Health): "
          + status.getDescription();
      case DEADLINE_EXCEEDED -> connected ? "timeout: health rpc did not complete within " + timeoutSeconds + "s"
          : "timeout: failed to connect service \"" + target + "\" within " + timeoutSeconds + "s: context deadline "
              + "exceeded";
      case UNAVAILABLE -> "timeout: failed to connect service \"" + target + "\" within "
          + timeoutSeconds + "s: " + (status.getDescription() == null ? status.getCode() : status.getDescription());
      default -> "health rpc probe failed: " + status.getCode() + ": " + status.getDescription();
    };
  }
}
