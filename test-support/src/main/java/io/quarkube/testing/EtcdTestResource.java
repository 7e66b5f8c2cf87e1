package io.quarkube.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource that points the application at the JVM-wide {@link EtcdServer#shared() shared etcd}:
 *
 * <pre>
 * &#64;QuarkusTest
 * &#64;QuarkusTestResource(EtcdTestResource.class)   // or &#64;WithTestResource(EtcdTestResource.class)
 * class SomeTest { ... }
 * </pre>
 *
 * It sets {@value #ENDPOINTS_PROPERTY}. The shared etcd outlives each Quarkus start (it is stopped when the JVM exits), so
 * tests must use distinct keys or object names.
 */
public class EtcdTestResource implements QuarkusTestResourceLifecycleManager {

    /** The configuration key the API server reads its etcd endpoints from. */
    public static final String ENDPOINTS_PROPERTY = "quarkube.etcd.endpoints";

    @Override
    public Map<String, String> start() {
        return Map.of(ENDPOINTS_PROPERTY, EtcdServer.shared().endpoint());
    }

    @Override
    public void stop() {
        // The shared etcd is stopped by its shutdown hook when the JVM exits.
    }
}
