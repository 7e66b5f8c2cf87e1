package io.quarkube.proxy.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.xbill.DNS.Message;
import org.xbill.DNS.SimpleResolver;

/**
 * Where names outside the cluster domain go: a resolver given as {@code host[:port]}, or {@code resolv.conf} for the
 * host's own (the first {@code nameserver} of /etc/resolv.conf, as CoreDNS' {@code forward . /etc/resolv.conf}).
 * Forwarding is an explicit choice: without one, outside names are refused and no query leaves the machine.
 */
public final class DnsForwarder {
  private DnsForwarder() {}

  /** The upstream's address for a setting: itself, or the host's resolver for {@code resolv.conf}. */
  public static Optional<String> resolve(String setting, Path resolvConf) {
    if (setting == null || setting.isBlank() || setting.equals("none")) {
      return Optional.empty();
    }
    if (!setting.equals("resolv.conf")) {
      return Optional.of(setting);
    }
    try {
      return Files.readAllLines(resolvConf).stream().map(String::strip).filter(l -> l.startsWith("nameserver"))
          .map(l -> l.substring("nameserver".length()).strip()).filter(a -> !a.isEmpty()).findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Forwards a query to {@code host[:port]} over UDP (TCP when the answer is truncated); null when it fails. */
  public static UnaryOperator<Message> to(String hostPort) {
    try {
      int colon = hostPort.lastIndexOf(':');
      boolean hasPort = colon > 0 && hostPort.indexOf(':') == colon;
      SimpleResolver resolver = new SimpleResolver(hasPort ? hostPort.substring(0, colon) : hostPort);
      if (hasPort) {
        resolver.setPort(Integer.parseInt(hostPort.substring(colon + 1)));
      }
      resolver.setTimeout(Duration.ofSeconds(3));
      return query -> {
        try {
          return resolver.send(query);
        } catch (IOException e) {
          return null;
        }
      };
    } catch (IOException | NumberFormatException e) {
      throw new IllegalArgumentException("bad DNS upstream " + hostPort, e);
    }
  }
}
