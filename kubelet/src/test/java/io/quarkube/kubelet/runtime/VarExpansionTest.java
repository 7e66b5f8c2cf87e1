package io.quarkube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VarExpansionTest {
  private final Map<String, String> vars = Map.of("A", "alpha", "B", "beta");

  @Test
  void expandsDefinedVariables() {
    assertEquals("alpha-beta", VarExpansion.expand("$(A)-$(B)", vars));
  }

  @Test
  void leavesUndefinedVariablesAsWritten() {
    assertEquals("$(C) alpha", VarExpansion.expand("$(C) $(A)", vars));
  }

  @Test
  void doubleDollarEscapes() {
    assertEquals("$(A) $ alpha", VarExpansion.expand("$$(A) $$ $(A)", vars));
  }

  @Test
  void unclosedReferenceIsLiteral() {
    assertEquals("x $(A", VarExpansion.expand("x $(A", vars));
    assertEquals("cost $5", VarExpansion.expand("cost $5", vars));
  }
}
