package io.quarkube.conformance;

import io.quarkube.conformance.report.KnownFailures;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The behaviours of the conformance catalogue ({@code src/test/resources/conformance-subset.yaml}) a test proves, by
 * id, e.g. {@code @Conformance("api-machinery.watch-from-rv")}. The catalogue maps each id to the codenames of
 * upstream's conformance tests; the report ({@code target/conformance/report.md}) lists every behaviour with the
 * outcome of the tests that name it. Tagged {@code conformance} so {@code ./quarkube conformance} can select them.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@Tag("conformance")
@ExtendWith(KnownFailures.class)
public @interface Conformance {
  /** Behaviour ids from the catalogue. */
  String[] value();
}
