package io.quarkube.conformance;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.provider.ArgumentsSource;
import org.junit.jupiter.params.support.ParameterDeclarations;

/**
 * "Run my kubectl parts against every kubectl on the machine": a {@code @ParameterizedTest} source giving one
 * {@link Kubectl} per versioned binary ({@code kubectl.1.27} … {@code kubectl.1.33}) beside the real path of
 * {@code kubectl} (the machine's kubectl is a dispatcher symlink). {@code -Dquarkube.kubectl-versions=1.27,1.33}
 * narrows the set for a quick run.
 *
 * <pre>{@code
 * @ParameterizedTest(name = "{0}")
 * @KubectlVersions
 * void apiVersions(Kubectl kubectl, String ns) { ... }
 * }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@ArgumentsSource(KubectlVersions.Provider.class)
public @interface KubectlVersions {

  /** One argument per installed versioned kubectl, oldest first. */
  final class Provider implements ArgumentsProvider {
    private static final Pattern VERSIONED = Pattern.compile("kubectl\\.(\\d+)\\.(\\d+)");

    @Override
    public Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters, ExtensionContext context) {
      List<String> versions = installed();
      if (versions.isEmpty()) {
        throw new IllegalStateException("no kubectl.1.NN binaries beside " + Kubectl.realPath());
      }
      return versions.stream().map(v -> Arguments.of(Kubectl.version(v)));
    }

    /** The versions installed (e.g. "1.27"), filtered by {@code quarkube.kubectl-versions} when set. */
    public static List<String> installed() {
      Path dir = Kubectl.realPath().getParent();
      List<String> wanted = Arrays.stream(System.getProperty("quarkube.kubectl-versions", "").split(","))
          .map(String::strip).filter(s -> !s.isEmpty() && !s.startsWith("${")).toList();
      try (Stream<Path> files = Files.list(dir)) {
        return files.map(p -> VERSIONED.matcher(p.getFileName().toString())).filter(Matcher::matches)
            .filter(m -> Files.isExecutable(dir.resolve(m.group()))).sorted(Comparator.<Matcher>comparingInt(
                m -> Integer.parseInt(m.group(1))).thenComparingInt(m -> Integer.parseInt(m.group(2))))
            .map(m -> m.group(1) + "." + m.group(2)).filter(v -> wanted.isEmpty() || wanted.contains(v)).toList();
      } catch (IOException e) {
        throw new IllegalStateException("cannot list " + dir, e);
      }
    }
  }
}
