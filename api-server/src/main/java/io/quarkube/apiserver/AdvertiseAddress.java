package io.quarkube.apiserver;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.util.Collections;
import java.util.Optional;

/** Where clients, pods included, reach this API server: an IP and the HTTPS port. */
public record AdvertiseAddress(String host, int port) {

  static AdvertiseAddress of(Optional<String> configured, int port) {
    if (configured.isPresent() && !configured.get().isBlank()) {
      URI uri = URI.create(configured.get().contains("://") ? configured.get() : "https://" + configured.get());
      return new AdvertiseAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : port);
    }
    return new AdvertiseAddress(firstNonLoopbackIpv4().orElse("127.0.0.1"), port);
  }

  /** Pods cannot reach 127.0.0.1 of the host, so the Service endpoints use the host's own address. */
  static Optional<String> firstNonLoopbackIpv4() {
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback() || nic.isVirtual()) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            return Optional.of(a.getHostAddress());
          }
        }
      }
    } catch (SocketException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  public String url() {
    return "https://" + host + ":" + port;
  }

  public String hostPort() {
    return host + ":" + port;
  }
}
