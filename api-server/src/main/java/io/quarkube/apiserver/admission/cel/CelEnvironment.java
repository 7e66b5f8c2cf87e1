package io.quarkube.apiserver.admission.cel;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.extensions.CelOptionalLibrary;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import java.util.Set;

/**
 * The CEL environment of admission policies, after upstream's base environment: the variables {@code object},
 * {@code oldObject}, {@code request}, {@code namespaceObject}, {@code variables} and (when the policy has a
 * {@code paramKind}) {@code params}, all of dynamic type; the standard macros ({@code has}, {@code all},
 * {@code exists}, {@code exists_one}, {@code map}, {@code filter}); CEL's string, math, list, set, encoder and
 * optional extensions; upstream's list, regex ({@link KubernetesLibrary}) and quantity ({@link QuantityLibrary})
 * functions; int/double comparisons across types as upstream enables them. Not offered: {@code authorizer} (no
 * authorization checks from expressions), {@code url()}, {@code ip()}, {@code cidr()}, {@code format}.
 */
public final class CelEnvironment {
  /** A comprehension stops after this many iterations whatever the budget says (a second guard). */
  private static final int MAX_COMPREHENSION_ITERATIONS = 1_000_000;
  private static final CelEnvironment INSTANCE = new CelEnvironment();

  private final Cel withParams;
  private final Cel withoutParams;

  private CelEnvironment() {
    this.withParams = build(true);
    this.withoutParams = build(false);
  }

  public static CelEnvironment get() {
    return INSTANCE;
  }

  private static Cel build(boolean params) {
    CelOptions options = CelOptions.current().enableHeterogeneousNumericComparisons(true)
        .comprehensionMaxIterations(MAX_COMPREHENSION_ITERATIONS).build();
    var b = CelFactory.standardCelBuilder()
        .setOptions(options)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addVar("object", SimpleType.DYN)
        .addVar("oldObject", SimpleType.DYN)
        .addVar("request", SimpleType.DYN)
        .addVar("namespaceObject", SimpleType.DYN)
        .addVar("variables", MapType.create(SimpleType.STRING, SimpleType.DYN))
        .addCompilerLibraries(CelExtensions.strings(), CelExtensions.math(options), CelExtensions.lists(),
            CelExtensions.sets(options), CelExtensions.encoders(), CelOptionalLibrary.INSTANCE)
        .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.math(options), CelExtensions.lists(),
            CelExtensions.sets(options), CelExtensions.encoders(), CelOptionalLibrary.INSTANCE)
        .addFunctionDeclarations(KubernetesLibrary.declarations())
        .addFunctionBindings(KubernetesLibrary.bindings())
        .addFunctionDeclarations(QuantityLibrary.declarations())
        .addFunctionBindings(QuantityLibrary.bindings());
    if (params) {
      b.addVar("params", SimpleType.DYN);
    }
    return b.build();
  }

  /**
   * Compiles an expression. {@code variables} are the names of {@code spec.variables} it may use (those declared
   * before it, for a variable); a reference to another one is an error, as upstream's typed {@code variables}.
   */
  public Expression compile(String expression, boolean hasParams, Set<String> variables)
      throws CelCompileException {
    Cel cel = hasParams ? withParams : withoutParams;
    CelAbstractSyntaxTree ast;
    try {
      ast = cel.compile(expression).getAst();
    } catch (CelValidationException e) {
      throw new CelCompileException("compilation failed: " + e.getMessage());
    }
    checkVariables(ast, variables);
    try {
      return new Expression(expression, cel.createProgram(ast));
    } catch (CelEvaluationException e) {
      throw new CelCompileException("compilation failed: " + e.getMessage());
    }
  }

  private static void checkVariables(CelAbstractSyntaxTree ast, Set<String> variables) throws CelCompileException {
    for (var node : (Iterable<dev.cel.common.navigation.CelNavigableExpr>) CelNavigableAst.fromAst(ast).getRoot()
        .allNodes()::iterator) {
      CelExpr e = node.expr();
      if (e.exprKind().getKind() != CelExpr.ExprKind.Kind.SELECT) {
        continue;
      }
      CelExpr operand = e.select().operand();
      if (operand.exprKind().getKind() == CelExpr.ExprKind.Kind.IDENT
          && operand.ident().name().equals("variables") && !variables.contains(e.select().field())) {
        throw new CelCompileException("compilation failed: ERROR: <input>: undefined field '"
            + e.select().field() + "'");
      }
    }
  }
}
