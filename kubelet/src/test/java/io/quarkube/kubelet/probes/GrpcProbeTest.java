package io.quarkube.kubelet.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.quarkube.kubelet.probes.ProbeRunner.Outcome;
import io.quarkube.proto.grpc.health.v1.HealthCheckRequest;
import io.quarkube.proto.grpc.health.v1.HealthCheckResponse;
import io.quarkube.proto.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.quarkube.proto.grpc.health.v1.HealthGrpc;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** gRPC probes call grpc.health.v1.Health/Check: only SERVING passes (not a mere open port, as they once did). */
class GrpcProbeTest {
  private static final Map<String, ServingStatus> SERVICES = Map.of("", ServingStatus.SERVING,
      "sick", ServingStatus.NOT_SERVING);
  private Server health;
  private Server other;

  @BeforeEach
  void servers() throws Exception {
    health = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new HealthGrpc.HealthImplBase() {
          @Override
          public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
            if (request.getService().equals("slow")) {
              return; // never answers
            }
            response.onNext(HealthCheckResponse.newBuilder()
                .setStatus(SERVICES.getOrDefault(request.getService(), ServingStatus.SERVICE_UNKNOWN)).build());
            response.onCompleted();
          }
        }).build().start();
    // a gRPC server without the health service
    other = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).build().start();
  }

  @AfterEach
  void stop() throws Exception {
    health.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    other.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void servingPassesForTheProbesService() {
    Outcome outcome = GrpcProbe.check("127.0.0.1", health.getPort(), null, 5);
    assertTrue(outcome.success(), outcome.output());
    assertEquals("service healthy", outcome.output());
  }

  @Test
  void anyOtherStatusFails() {
    Outcome sick = GrpcProbe.check("127.0.0.1", health.getPort(), "sick", 5);
    assertFalse(sick.success());
    assertEquals("service unhealthy (responded with \"NOT_SERVING\")", sick.output());
    Outcome unknown = GrpcProbe.check("127.0.0.1", health.getPort(), "nope", 5);
    assertEquals("service unhealthy (responded with \"SERVICE_UNKNOWN\")", unknown.output());
  }

  @Test
  void anOpenPortWithoutTheHealthServiceFails() {
    Outcome outcome = GrpcProbe.check("127.0.0.1", other.getPort(), null, 5);
    assertFalse(outcome.success());
    assertTrue(outcome.output().startsWith("this server does not implement the grpc health protocol"),
        outcome.output());
  }

  @Test
  void noServerOrNoAnswerInTimeFails() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Outcome refused = GrpcProbe.check("127.0.0.1", closed, null, 1);
    assertFalse(refused.success());
    assertTrue(refused.output().startsWith("timeout: failed to connect service \"127.0.0.1:" + closed
        + "\" within 1s"), refused.output());
    Outcome slow = GrpcProbe.check("127.0.0.1", health.getPort(), "slow", 1);
    assertFalse(slow.success());
    assertEquals("timeout: health rpc did not complete within 1s", slow.output());
  }
}
