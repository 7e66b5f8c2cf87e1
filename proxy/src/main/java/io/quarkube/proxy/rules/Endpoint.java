package io.quarkube.proxy.rules;

/**
 * One backend of a service port, as an EndpointSlice lists it: the pod IP, the port traffic goes to, and the
 * conditions the proxy chooses by (upstream: ready ones; terminating-but-serving ones only when no ready one is left).
 */
public record Endpoint(String ip, int port, boolean ready, boolean serving, boolean terminating, String nodeName) {
  public static Endpoint ready(String ip, int port) {
    return new Endpoint(ip, port, true, true, false, null);
  }
}
