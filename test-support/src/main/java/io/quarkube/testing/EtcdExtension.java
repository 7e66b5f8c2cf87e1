package io.quarkube.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension for plain (non-Quarkus) tests: an {@link EtcdServer} parameter of a test method, constructor or
 * lifecycle method gets the {@link EtcdServer#shared() shared etcd}.
 *
 * <pre>
 * &#64;ExtendWith(EtcdExtension.class)
 * class StoreTest {
 *     &#64;Test
 *     void putsAndGets(EtcdServer etcd) { ... etcd.endpoint() ... }
 * }
 * </pre>
 */
public class EtcdExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return parameterContext.getParameter().getType() == EtcdServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return EtcdServer.shared();
    }
}
