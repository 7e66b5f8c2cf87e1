package io.quarkube.controllers.endpoints;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.Keys;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;

/**
 * What the Endpoints, EndpointSlice and EndpointSlice-mirroring controllers share: keyed by Service
 * ({@code namespace/name}), woken by every change of the Service, reading the Service cache and writing through the
 * context's writer. Subclasses watch what else feeds them (the Service's pods, Endpoints, their slices).
 */
abstract class ServiceKeyedController extends Controller<String> {
  protected final Indexer<Service> services;
  protected final ObjectWriter writer;

  protected ServiceKeyedController(String name, ControllerContext ctx) {
    super(name);
    this.services = ctx.informers().indexer(Service.class);
    this.writer = ctx.writer();
    watch(ctx.informers(), Service.class, Keys::of);
  }

  /** Watches the pods (for the controllers whose output lists a Service's pods); returns their cache. */
  protected final Indexer<Pod> watchBackingPods(ControllerContext ctx) {
    watch(ctx.informers(), Pod.class, new ResourceEventHandler<Pod>() {
      @Override
      public void onAdd(Pod p) {
        ServicePods.servicesOf(services, p, null).forEach(ServiceKeyedController.this::enqueue);
      }

      @Override
      public void onUpdate(Pod o, Pod n) {
        ServicePods.servicesOf(services, n, o.getMetadata().getLabels()).forEach(ServiceKeyedController.this::enqueue);
      }

      @Override
      public void onDelete(Pod p, boolean unknown) {
        ServicePods.servicesOf(services, p, null).forEach(ServiceKeyedController.this::enqueue);
      }
    });
    return ctx.informers().indexer(Pod.class);
  }
}
