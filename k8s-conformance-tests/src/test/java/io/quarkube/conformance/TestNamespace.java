package io.quarkube.conformance;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test a fresh namespace of its own (a {@code String} parameter), ready for pods (its default
 * ServiceAccount made), and deletes it afterwards.
 */
public final class TestNamespace implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(TestNamespace.class);

  @Override
  public void beforeEach(ExtensionContext ctx) {
    String name = "e2e-" + ctx.getRequiredTestMethod().getName().toLowerCase().replaceAll("[^a-z0-9]", "")
        .substring(0, Math.min(30, ctx.getRequiredTestMethod().getName().length())) + "-"
        + UUID.randomUUID().toString().substring(0, 6);
    Cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata()
        .build()).create();
    ctx.getStore(STORE).put("ns", name);
    // As upstream's e2e framework: pods are refused until the controller made the namespace's default account.
    Await.defaultServiceAccount(Cluster.client(), name);
  }

  @Override
  public void afterEach(ExtensionContext ctx) {
    String name = ctx.getStore(STORE).get("ns", String.class);
    if (name != null) {
      Cluster.client().namespaces().withName(name).delete();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    // The namespace is the String parameter named "ns" (other Strings may come from a parameterized source).
    return p.getParameter().getType() == String.class && p.getParameter().getName().equals("ns");
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return e.getStore(STORE).get("ns", String.class);
  }
}
