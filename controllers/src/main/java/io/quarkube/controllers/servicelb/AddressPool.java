package io.quarkube.controllers.servicelb;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * IPv4 addresses LoadBalancer Services may get, from a comma-separated list of CIDRs ({@code 10.112.0.0/24}: the
 * network and broadcast addresses left out), ranges ({@code 10.112.0.10-10.112.0.20}) and single addresses.
 */
final class AddressPool implements Iterable<String> {
  private final List<long[]> ranges = new ArrayList<>();

  AddressPool(String spec) {
    if (spec == null) {
      return;
    }
    for (String part : spec.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      if (p.contains("/")) {
        long base = parse(p.substring(0, p.indexOf('/')));
        int bits = Integer.parseInt(p.substring(p.indexOf('/') + 1));
        if (bits < 0 || bits > 32) {
          throw new IllegalArgumentException("bad prefix length in " + p);
        }
        long size = 1L << (32 - bits);
        long first = base & ~(size - 1) & 0xffffffffL;
        ranges.add(size > 2 ? new long[] {first + 1, first + size - 2} : new long[] {first, first + size - 1});
      } else if (p.contains("-")) {
        long a = parse(p.substring(0, p.indexOf('-')));
        long b = parse(p.substring(p.indexOf('-') + 1));
        if (b < a) {
          throw new IllegalArgumentException("empty range " + p);
        }
        ranges.add(new long[] {a, b});
      } else {
        long a = parse(p);
        ranges.add(new long[] {a, a});
      }
    }
  }

  boolean contains(String ip) {
    long v;
    try {
      v = parse(ip);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return ranges.stream().anyMatch(r -> v >= r[0] && v <= r[1]);
  }

  boolean isEmpty() {
    return ranges.isEmpty();
  }

  @Override
  public Iterator<String> iterator() {
    return new Iterator<>() {
      int range;
      long next = ranges.isEmpty() ? 0 : ranges.get(0)[0];

      @Override
      public boolean hasNext() {
        return range < ranges.size();
      }

      @Override
      public String next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        long v = next;
        if (next < ranges.get(range)[1]) {
          next++;
        } else if (++range < ranges.size()) {
          next = ranges.get(range)[0];
        }
        return format(v);
      }
    };
  }

  static long parse(String ip) {
    String[] parts = ip.trim().split("\\.");
    if (parts.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: " + ip);
    }
    long v = 0;
    for (String s : parts) {
      int b = Integer.parseInt(s);
      if (b < 0 || b > 255) {
        throw new IllegalArgumentException("not an IPv4 address: " + ip);
      }
      v = v << 8 | b;
    }
    return v;
  }

  static String format(long v) {
    return (v >> 24 & 255) + "." + (v >> 16 & 255) + "." + (v >> 8 & 255) + "." + (v & 255);
  }
}
