package io.quarkube.apiserver.admission.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.apiserver.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The policy CEL environment: JSON values, the library functions, errors in upstream's words, the cost limit. */
class CelEnvironmentTest {
  private static final Object OBJECT = CelValues.of(Json.parse("""
      {"metadata": {"name": "web", "namespace": "ns", "labels": {"app": "web"}},
       "spec": {"replicas": 3, "ratio": 0.5, "none": null, "ports": [80, 443],
                "resources": {"cpu": "500m", "memory": "1Gi"}}}
      """.getBytes(StandardCharsets.UTF_8)));

  private static Object eval(String expression) throws Exception {
    return CelEnvironment.get().compile(expression, false, Set.of()).evaluate(Map.of("object", OBJECT),
        CostBudget.perEvaluation());
  }

  @Test
  void jsonValuesAreTypedAsUpstreamsUnstructured() throws Exception {
    assertEquals(true, eval("object.spec.replicas == 3 && type(object.spec.replicas) == int"));
    assertEquals(true, eval("object.spec.ratio < 1 && object.spec.replicas > 2.5"));
    assertEquals(true, eval("object.spec.none == null && has(object.spec.none) && !has(object.spec.other)"));
    assertEquals(true, eval("object.metadata.namespace == 'ns'"));
    assertEquals(true, eval("object.?spec.?other.orValue(7) == 7"));
  }

  @Test
  void macrosAndLibraries() throws Exception {
    assertEquals(true, eval("object.spec.ports.all(p, p > 0) && object.spec.ports.exists(p, p == 443)"));
    assertEquals(true, eval("object.spec.ports.map(p, p * 2) == [160, 886] && object.spec.ports.filter(p, p < 100)"
        + " == [80] && size(object.spec.ports) == 2"));
    assertEquals(true, eval("object.metadata.name.matches('^w.b$') && object.metadata.name.upperAscii() == 'WEB'"
        + " && 'a,b'.split(',') == ['a', 'b'] && object.metadata.name.indexOf('e') == 1"));
    assertEquals(true, eval("object.spec.ports.isSorted() && object.spec.ports.sum() == 523 && [2, 1].min() == 1"
        + " && [1, 2, 1].indexOf(1) == 0 && [1, 2, 1].lastIndexOf(1) == 2 && ['b', 'a'].max() == 'b'"));
    assertEquals(true, eval("'x1y22'.findAll('[0-9]+') == ['1', '22'] && 'abc'.find('z') == ''"));
    assertEquals(true, eval("math.greatest([1, 5, 3]) == 5 && sets.contains([1, 2, 3], [2])"));
  }

  @Test
  void quantities() throws Exception {
    assertEquals(true, eval("quantity(object.spec.resources.cpu).isLessThan(quantity('1'))"));
    assertEquals(true, eval("quantity('1') == quantity('1000m') && quantity('1Ki').asInteger() == 1024"));
    assertEquals(true, eval("quantity(object.spec.resources.memory).compareTo(quantity('1024Mi')) == 0"));
    assertEquals(true, eval("quantity('500m').add(quantity('500m')).isInteger() && quantity('2').sub(3).sign() "
        + "== -1 && quantity('1.5').asApproximateFloat() == 1.5"));
    assertEquals(true, eval("isQuantity('10Gi') && !isQuantity('ten')"));
    CelEvaluationException e = assertThrows(CelEvaluationException.class, () -> eval("quantity('ten') == null"));
    assertTrue(e.getMessage().contains("quantities must match the regular expression"), e.getMessage());
  }

  @Test
  void errorsInUpstreamsWords() {
    CelEvaluationException missing = assertThrows(CelEvaluationException.class, () -> eval("object.spec.x > 1"));
    assertEquals("no such key: x", missing.getMessage());
    CelCompileException bad = assertThrows(CelCompileException.class,
        () -> CelEnvironment.get().compile("object.spec.replicas >", false, Set.of()));
    assertTrue(bad.getMessage().startsWith("compilation failed: ERROR: <input>:1:"), bad.getMessage());
    CelCompileException params = assertThrows(CelCompileException.class,
        () -> CelEnvironment.get().compile("params.x", false, Set.of()));
    assertTrue(params.getMessage().contains("undeclared reference to 'params'"), params.getMessage());
    CelCompileException authorizer = assertThrows(CelCompileException.class,
        () -> CelEnvironment.get().compile("authorizer.group('') != null", true, Set.of()));
    assertTrue(authorizer.getMessage().contains("undeclared reference to 'authorizer'"), authorizer.getMessage());
  }

  @Test
  void theCostLimitStopsARunawayExpressionAndTheBudgetIsShared() throws Exception {
    String list = "[" + "1,".repeat(99) + "1]";
    String runaway = list + ".all(a, " + list + ".all(b, " + list + ".all(c, a + b + c > 0)))";
    CelEvaluationException e = assertThrows(CelEvaluationException.class, () -> eval(runaway));
    assertEquals("operation cancelled: actual cost limit exceeded", e.getMessage());
    Expression cheap = CelEnvironment.get().compile(list + ".all(a, a > 0)", false, Set.of());
    CostBudget budget = new CostBudget(1_000);
    cheap.evaluate(Map.of(), budget);
    CelEvaluationException out = assertThrows(CelEvaluationException.class, () -> cheap.evaluate(Map.of(), budget));
    assertTrue(out.outOfBudget());
    assertEquals("validation failed due to running out of cost budget, no further validation rules will be run",
        out.getMessage());
  }
}
