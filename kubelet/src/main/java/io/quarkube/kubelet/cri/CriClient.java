package io.quarkube.kubelet.cri;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.k8s.cri.runtime.v1.ImageServiceGrpc;
import io.k8s.cri.runtime.v1.RuntimeServiceGrpc;
import io.k8s.cri.runtime.v1.VersionRequest;
import io.k8s.cri.runtime.v1.VersionResponse;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC connection to a CRI runtime (containerd) over its unix socket, with the two CRI services.
 *
 * <p>The channel is plain grpc-netty on Netty's native epoll domain-socket transport: Quarkus' gRPC client cannot dial
 * a unix socket. Each call gets a deadline ({@link #runtime()} and {@link #images()} use {@link #DEFAULT_TIMEOUT}); a
 * runtime that does not answer must never hang a pod worker forever. The channel reconnects by itself, so a restarted
 * containerd needs no new client.
 */
public final class CriClient implements AutoCloseable {

  /** Deadline for ordinary runtime calls (RunPodSandbox takes ~0.4 s here, so this is generous). */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
  /** Image pulls may take longer. */
  public static final Duration PULL_TIMEOUT = Duration.ofMinutes(10);

  private final Path socket;
  private final EventLoopGroup group;
  private final ManagedChannel channel;
  private final RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime;
  private final ImageServiceGrpc.ImageServiceBlockingStub images;

  private CriClient(Path socket, EventLoopGroup group, ManagedChannel channel) {
    this.socket = socket;
    this.group = group;
    this.channel = channel;
    this.runtime = RuntimeServiceGrpc.newBlockingStub(channel);
    this.images = ImageServiceGrpc.newBlockingStub(channel);
  }

  /** Opens a channel to the runtime at {@code socket} (connecting lazily, on the first call). */
  public static CriClient connect(Path socket) {
    Objects.requireNonNull(socket, "socket");
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException("Netty's native epoll transport is not available here, so containerd's unix "
          + "socket cannot be reached: " + Epoll.unavailabilityCause());
    }
    EventLoopGroup group = new EpollEventLoopGroup(2);
    ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .eventLoopGroup(group)
        .channelType(EpollDomainSocketChannel.class)
        .usePlaintext()
        // gRPC wants an authority; the socket has none.
        .overrideAuthority("localhost")
        // Large list answers (ListContainers with hundreds of pods, logs of ExecSync).
        .maxInboundMessageSize(64 * 1024 * 1024)
        .build();
    return new CriClient(socket, group, channel);
  }

  public Path socket() {
    return socket;
  }

  /** The RuntimeService with the default deadline. */
  public RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
    return runtime(DEFAULT_TIMEOUT);
  }

  public RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime(Duration timeout) {
    return runtime.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The ImageService with the default deadline. */
  public ImageServiceGrpc.ImageServiceBlockingStub images() {
    return images(DEFAULT_TIMEOUT);
  }

  public ImageServiceGrpc.ImageServiceBlockingStub images(Duration timeout) {
    return images.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The runtime's name and version, e.g. containerd 1.6.20 (CRI v1). */
  public VersionResponse version() {
    return runtime(Duration.ofSeconds(10)).version(VersionRequest.newBuilder().setVersion("v1").build());
  }

  /** Whether the error means the object is gone (removal and status calls on it are then done). */
  public static boolean isNotFound(Throwable error) {
    return error instanceof StatusRuntimeException e && e.getStatus().getCode() == Status.Code.NOT_FOUND;
  }

  /** Whether the runtime could not be reached (socket missing, containerd restarting). */
  public static boolean isUnavailable(Throwable error) {
    return error instanceof StatusRuntimeException e && (e.getStatus().getCode() == Status.Code.UNAVAILABLE
        || e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
