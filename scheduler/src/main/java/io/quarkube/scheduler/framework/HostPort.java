package io.quarkube.scheduler.framework;

/** One host port a pod wants: ip (0.0.0.0 = every address), protocol, port. */
public record HostPort(String ip, String protocol, int port) {
  public static final String ANY_IP = "0.0.0.0";

  public static HostPort of(String ip, String protocol, int port) {
    return new HostPort(ip == null || ip.isEmpty() ? ANY_IP : ip, protocol == null || protocol.isEmpty() ? "TCP"
        : protocol, port);
  }

  /** Two wanted ports collide when protocol and port are equal and the addresses overlap. */
  public boolean conflictsWith(HostPort o) {
    return port == o.port && protocol.equals(o.protocol)
        && (ip.equals(o.ip) || ANY_IP.equals(ip) || ANY_IP.equals(o.ip));
  }
}
