package io.quarkube.apiserver.registry.core;

import java.util.Random;

/** An IPv4 service range such as 10.96.0.0/12; its first usable address is the API server's own Service. */
public record ServiceRange(long base, int prefixLength) {

  public static ServiceRange parse(String cidr) {
    String[] parts = cidr.split("/");
    String[] octets = parts[0].split("\\.");
    long ip = 0;
    for (String o : octets) {
      ip = (ip << 8) | Integer.parseInt(o);
    }
    int prefix = Integer.parseInt(parts[1]);
    long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
    return new ServiceRange(ip & mask, prefix);
  }

  public long size() {
    return 1L << (32 - prefixLength);
  }

  /** The first address after the network address: 10.96.0.1, held by default/kubernetes. */
  public String first() {
    return format(base + 1);
  }

  public boolean contains(String ip) {
    try {
      long v = parseIp(ip);
      return v > base && v < base + size() - 1;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A random address, never the network, broadcast or the API server's own first address. */
  public String random(Random random) {
    long offset = 2 + (long) (random.nextDouble() * (size() - 3));
    return format(base + offset);
  }

  private static long parseIp(String ip) {
    String[] o = ip.split("\\.");
    if (o.length != 4) {
      throw new IllegalArgumentException(ip);
    }
    long v = 0;
    for (String s : o) {
      int b = Integer.parseInt(s);
      if (b < 0 || b > 255) {
        throw new IllegalArgumentException(ip);
      }
      v = (v << 8) | b;
    }
    return v;
  }

  private static String format(long v) {
    return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
  }

  @Override
  public String toString() {
    return format(base) + "/" + prefixLength;
  }
}
