package io.quarkube.conformance.report;

import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.report.ConformanceReport.Outcome;
import io.quarkube.conformance.report.ConformanceReport.TestResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Collects the outcome of every {@link Conformance} test and, when the plan is done, writes the conformance report
 * ({@code report.md}, {@code report.txt}, {@code junit.xml}) into {@code quarkube.conformance.report-dir}. Registered
 * through {@code META-INF/services}; active only when {@code quarkube.conformance.report=true} (the e2e profile),
 * so the module's own unit tests write nothing.
 */
public final class ConformanceListener implements TestExecutionListener {
  private TestPlan plan;
  private final Map<String, TestResult> results = new LinkedHashMap<>();

  static boolean enabled() {
    return Boolean.getBoolean("quarkube.conformance.report");
  }

  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    plan = testPlan;
  }

  @Override
  public void executionSkipped(TestIdentifier id, String reason) {
    if (id.isTest()) {
      record(id, Outcome.SKIPPED, reason);
    } else if (plan != null) {
      plan.getDescendants(id).stream().filter(TestIdentifier::isTest)
          .forEach(t -> record(t, Outcome.SKIPPED, reason));
    }
  }

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    String message = result.getThrowable().map(Throwable::toString).orElse("");
    Outcome outcome = switch (result.getStatus()) {
      case SUCCESSFUL -> Outcome.PASSED;
      case FAILED -> Outcome.FAILED;
      case ABORTED -> message.contains(KnownFailures.PREFIX) ? Outcome.KNOWN_FAILURE : Outcome.SKIPPED;
    };
    if (id.isTest()) {
      record(id, outcome, message);
    } else if (outcome != Outcome.PASSED && plan != null) {
      // A class that failed before its tests ran (e.g. in @BeforeAll): its tests count with the class's outcome.
      plan.getDescendants(id).stream().filter(TestIdentifier::isTest)
          .filter(t -> !results.containsKey(t.getUniqueId())).forEach(t -> record(t, outcome, message));
    }
  }

  private void record(TestIdentifier id, Outcome outcome, String message) {
    Optional<MethodSource> source = id.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast);
    if (source.isEmpty()) {
      return;
    }
    List<String> ids;
    try {
      ids = TestIds.of(source.get().getJavaClass(), source.get().getJavaMethod());
    } catch (RuntimeException e) {
      return;
    }
    if (ids.isEmpty()) {
      return;
    }
    String name = source.get().getJavaClass().getSimpleName() + "." + source.get().getMethodName();
    if (!id.getDisplayName().startsWith(source.get().getMethodName())) {
      name += " " + id.getDisplayName(); // an invocation of a parameterized test, e.g. "[3] kubectl 1.29"
    }
    results.put(id.getUniqueId(), new TestResult(name, ids, outcome, message));
  }

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    if (!enabled()) {
      return;
    }
    ConformanceReport report = ConformanceReport.of(Catalogue.load(), idsWithTests(), new ArrayList<>(results
        .values()));
    Path dir = Path.of(System.getProperty("quarkube.conformance.report-dir", "target/conformance"));
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("report.md"), report.markdown(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("report.txt"), report.text(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("junit.xml"), report.junitXml(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("verdict"), report.conformant() ? "conformant\n" : "not conformant\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.out.println("conformance report: " + dir.toAbsolutePath().resolve("report.md"));
  }

  /** Every behaviour id any test class on this module's test classpath names, whether it ran or not. */
  static Set<String> idsWithTests() {
    Set<String> ids = new TreeSet<>();
    for (Class<?> type : testClasses()) {
      Conformance onClass = type.getAnnotation(Conformance.class);
      if (onClass != null) {
        ids.addAll(List.of(onClass.value()));
      }
      for (Method m : type.getDeclaredMethods()) {
        Conformance c = m.getAnnotation(Conformance.class);
        if (c != null) {
          ids.addAll(List.of(c.value()));
        }
      }
    }
    return ids;
  }

  private static List<Class<?>> testClasses() {
    Path root;
    try {
      root = Path.of(ConformanceListener.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return List.of();
    }
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<Class<?>> classes = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String name = root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
        if (!seen.add(name)) {
          continue;
        }
        try {
          classes.add(Class.forName(name, false, ConformanceListener.class.getClassLoader()));
        } catch (Throwable e) {
          // not loadable here (e.g. needs a missing class): it names no behaviour we could count
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return classes;
  }
}
