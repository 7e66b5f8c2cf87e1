package io.quarkube.proxy.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.Collection;
import java.util.List;

/** What the DNS server reads: the proxy's informer caches (or hand-filled lists in tests). */
public interface ClusterView {
  Service service(String namespace, String name);

  /** The EndpointSlices of a Service (label kubernetes.io/service-name). */
  List<EndpointSlice> slices(String namespace, String service);

  Collection<Service> services();

  /** When a Service or EndpointSlice last changed, in seconds since the epoch: the zone's SOA serial. */
  default long lastModifiedSeconds() {
    return System.currentTimeMillis() / 1000;
  }
}
