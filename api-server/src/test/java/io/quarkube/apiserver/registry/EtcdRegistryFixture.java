package io.quarkube.apiserver.registry;

import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.storage.EtcdStorage;
import io.quarkube.testing.EtcdServer;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the component tests that run the registry's stores against the real etcd the tests share
 * ({@link EtcdServer#shared()}): one storage client and one registry of every built-in resource per test class.
 * JUnit runs these before a subclass's own {@code @BeforeAll} and after its {@code @AfterAll}.
 */
public abstract class EtcdRegistryFixture {
  protected static EtcdStorage storage;
  protected static Registry registry;

  @BeforeAll
  static void openRegistry() {
    storage = new EtcdStorage(EtcdServer.shared().endpoint());
    registry = new Registry(ResourceCatalog.builtIn(), storage, Clock.systemUTC());
  }

  @AfterAll
  static void closeStorage() {
    storage.close();
  }
}
