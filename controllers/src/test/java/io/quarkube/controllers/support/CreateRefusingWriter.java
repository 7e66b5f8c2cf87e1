package io.quarkube.controllers.support;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.function.Supplier;

/**
 * An {@link ObjectWriter} whose creates the API server refuses (a quota, an admission plugin): each create throws
 * the given failure; every other write goes to the delegate.
 */
public final class CreateRefusingWriter implements ObjectWriter {
  private final ObjectWriter delegate;
  private final Supplier<? extends RuntimeException> refusal;

  public CreateRefusingWriter(ObjectWriter delegate, Supplier<? extends RuntimeException> refusal) {
    this.delegate = delegate;
    this.refusal = refusal;
  }

  @Override
  public <T extends HasMetadata> T create(T obj) {
    throw refusal.get();
  }

  @Override
  public <T extends HasMetadata> T update(T obj) {
    return delegate.update(obj);
  }

  @Override
  public <T extends HasMetadata> T updateStatus(T obj) {
    return delegate.updateStatus(obj);
  }

  @Override
  public void delete(HasMetadata obj, DeletionPropagation propagation) {
    delegate.delete(obj, propagation);
  }

  @Override
  public void forceDelete(HasMetadata obj) {
    delegate.forceDelete(obj);
  }

  @Override
  public void removeFinalizer(HasMetadata obj, String finalizer) {
    delegate.removeFinalizer(obj, finalizer);
  }
}
