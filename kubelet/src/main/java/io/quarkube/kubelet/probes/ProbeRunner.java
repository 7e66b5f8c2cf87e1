package io.quarkube.kubelet.probes;

import com.google.protobuf.ByteString;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ExecAction;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Probe;
import io.k8s.cri.runtime.v1.ExecSyncRequest;
import io.k8s.cri.runtime.v1.ExecSyncResponse;
import io.quarkube.kubelet.cri.CriClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Runs one probe or lifecycle handler: exec through the CRI's ExecSync, httpGet and tcpSocket from the node to the pod
 * IP (the node reaches pods over the cluster's bridge), grpc as a health check call to the pod IP ({@link GrpcProbe}).
 */
public final class ProbeRunner {
  private final CriClient cri;
  private final HttpClient http;
  private final HttpClient https;

  /** A probe's outcome: success, or failure with the output upstream puts into the Unhealthy event. */
  public record Outcome(boolean success, String output) {
    static Outcome ok(String output) {
      return new Outcome(true, output);
    }

    static Outcome failed(String output) {
      return new Outcome(false, output);
    }
  }

  public ProbeRunner(CriClient cri) {
    this.cri = cri;
    this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10)).build();
    this.https = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10)).sslContext(trustAll()).build();
  }

  public Outcome run(Probe probe, Container container, String containerId, String podIp) {
    int timeout = probe.getTimeoutSeconds() == null || probe.getTimeoutSeconds() < 1 ? 1 : probe.getTimeoutSeconds();
    if (probe.getExec() != null) {
      return exec(probe.getExec(), containerId, timeout);
    }
    if (probe.getHttpGet() != null) {
      return httpGet(probe.getHttpGet(), container, podIp, timeout);
    }
    if (probe.getTcpSocket() != null) {
      String host = probe.getTcpSocket().getHost() == null || probe.getTcpSocket().getHost().isEmpty() ? podIp
          : probe.getTcpSocket().getHost();
      return tcp(host, port(probe.getTcpSocket().getPort(), container), timeout);
    }
    if (probe.getGrpc() != null) {
      return GrpcProbe.check(podIp, probe.getGrpc().getPort(), probe.getGrpc().getService(), timeout);
    }
    return Outcome.failed("probe has no handler");
  }

  /** A postStart/preStop handler (exec, httpGet or sleep). */
  public Outcome runHandler(LifecycleHandler handler, Container container, String containerId, String podIp,
      int timeoutSeconds) {
    if (handler.getExec() != null) {
      return exec(handler.getExec(), containerId, timeoutSeconds);
    }
    if (handler.getHttpGet() != null) {
      return httpGet(handler.getHttpGet(), container, podIp, timeoutSeconds);
    }
    if (handler.getSleep() != null && handler.getSleep().getSeconds() != null) {
      try {
        Thread.sleep(Math.min(timeoutSeconds, handler.getSleep().getSeconds()) * 1000L); // the handler asks to wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Outcome.ok("");
    }
    return Outcome.ok("");
  }

  Outcome exec(ExecAction exec, String containerId, int timeout) {
    try {
      ExecSyncResponse r = cri.runtime(Duration.ofSeconds(timeout + 5L)).execSync(ExecSyncRequest.newBuilder()
          .setContainerId(containerId).addAllCmd(exec.getCommand() == null ? List.of() : exec.getCommand())
          .setTimeout(timeout).build());
      return execOutcome(r.getExitCode(), text(r.getStdout()) + text(r.getStderr()));
    } catch (io.grpc.StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED) {
        // upstream's exec TimeoutError: the command's output is lost, the text says what timed out
        return Outcome.failed("command \"" + String.join(" ", exec.getCommand() == null ? List.of()
            : exec.getCommand()) + "\" timed out");
      }
      return Outcome.failed("command " + exec.getCommand() + " failed: " + e.getMessage());
    } catch (RuntimeException e) {
      return Outcome.failed("command " + exec.getCommand() + " failed: " + e.getMessage());
    }
  }

  /** As upstream's exec prober: the result is the exit code, the output (stdout and stderr) is the message. */
  static Outcome execOutcome(int exitCode, String output) {
    return exitCode == 0 ? Outcome.ok(output) : Outcome.failed(output);
  }

  Outcome httpGet(HTTPGetAction get, Container container, String podIp, int timeout) {
    String host = get.getHost() == null || get.getHost().isEmpty() ? podIp : get.getHost();
    int port = port(get.getPort(), container);
    boolean tls = "HTTPS".equalsIgnoreCase(get.getScheme());
    String path = get.getPath() == null || get.getPath().isEmpty() ? "/" : get.getPath();
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    URI uri = URI.create((tls ? "https" : "http") + "://" + host + ":" + port + path);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(timeout)).GET()
        .header("User-Agent", "kube-probe/1.32");
    if (get.getHttpHeaders() != null) {
      for (HTTPHeader h : get.getHttpHeaders()) {
        if (!h.getName().equalsIgnoreCase("host")) {
          request.header(h.getName(), h.getValue());
        }
      }
    }
    try {
      HttpResponse<String> response = (tls ? https : http).send(request.build(), HttpResponse.BodyHandlers.ofString());
      int code = response.statusCode();
      if (code >= 200 && code < 400) {
        return Outcome.ok(body(response.body()));
      }
      return Outcome.failed("HTTP probe failed with statuscode: " + code);
    } catch (java.net.http.HttpTimeoutException e) {
      return Outcome.failed("Get \"" + uri + "\": context deadline exceeded (Client.Timeout exceeded while awaiting "
          + "headers)");
    } catch (IOException e) {
      // Go's client error text: Get "<url>": dial tcp <host>:<port>: connect: connection refused
      return Outcome.failed("Get \"" + uri + "\": " + dialFailure(host, port, e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.failed("interrupted");
    }
  }

  static Outcome tcp(String host, int port, int timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), timeout * 1000);
      return Outcome.ok("");
    } catch (IOException e) {
      return Outcome.failed(dialFailure(host, port, e));
    }
  }

  /** A failed connection as Go's net.Dial words it (what upstream's tcp and http probes report). */
  static String dialFailure(String host, int port, IOException e) {
    String address = "dial tcp " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + ": ";
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof java.net.SocketException)
        && !(cause instanceof java.net.SocketTimeoutException)) {
      cause = cause.getCause();
    }
    String message = cause.getMessage() == null ? "" : cause.getMessage();
    if (cause instanceof java.net.SocketTimeoutException || cause instanceof java.net.http.HttpConnectTimeoutException
        || message.toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
      return address + "i/o timeout";
    }
    if (cause instanceof java.net.ConnectException && message.isEmpty()) {
      message = "connection refused"; // the HTTP client's ConnectException carries no text
    }
    if (cause instanceof java.net.UnknownHostException) {
      return "dial tcp: lookup " + host + ": no such host";
    }
    // Java's "Connection refused" / "No route to host" are Go's lower-case syscall texts.
    message = message.replaceFirst(" \\(.*\\)$", "");
    return address + "connect: " + (message.isEmpty() ? message : Character.toLowerCase(message.charAt(0))
        + message.substring(1));
  }

  /** A probe port: a number, or the name of one of the container's ports. */
  static int port(IntOrString port, Container container) {
    if (port == null) {
      return 80;
    }
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    String name = port.getStrVal();
    if (container.getPorts() != null) {
      for (ContainerPort p : container.getPorts()) {
        if (name.equals(p.getName())) {
          return p.getContainerPort();
        }
      }
    }
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String text(ByteString bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static String body(String body) {
    return body == null ? "" : body.length() > 10 * 1024 ? body.substring(0, 10 * 1024) : body;
  }

  private static SSLContext trustAll() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      // Probes do not verify certificates, as upstream's (InsecureSkipVerify).
      context.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, new SecureRandom());
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
