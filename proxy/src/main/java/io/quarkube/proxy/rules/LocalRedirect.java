package io.quarkube.proxy.rules;

/**
 * A service address served by a process on this host rather than by pods (the cluster DNS server): traffic to
 * {@code ip:port/protocol} is redirected to the host's own {@code hostPort} (from pods: the address of the interface
 * it came in on, i.e. the pod bridge's gateway; from the host: 127.0.0.1).
 */
public record LocalRedirect(String ip, String protocol, int port, int hostPort) {}
