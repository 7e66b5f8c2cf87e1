package io.quarkube.apiserver.selection;

import io.quarkube.apiserver.errors.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed {@code fieldSelector}: {@code field=value}, {@code field==value} and {@code field!=value} terms joined by
 * commas. Which fields may be used depends on the resource (see {@code FieldSets}); an unknown field is a 400, as
 * upstream answers {@code "field label not supported"}.
 */
public final class FieldSelector {
  private static final FieldSelector EVERYTHING = new FieldSelector(List.of());

  private final List<Term> terms;

  private FieldSelector(List<Term> terms) {
    this.terms = terms;
  }

  public static FieldSelector everything() {
    return EVERYTHING;
  }

  public boolean isEverything() {
    return terms.isEmpty();
  }

  public List<Term> terms() {
    return terms;
  }

  /** {@code fields} maps each selectable field to its value in the object ("" when unset). */
  public boolean matches(Map<String, String> fields) {
    for (Term t : terms) {
      String v = fields.getOrDefault(t.field(), "");
      if (t.negated() == v.equals(t.value())) {
        return false;
      }
    }
    return true;
  }

  /** The value an equality term requires of {@code field}, if the selector has one; lets stores narrow a read. */
  public java.util.Optional<String> requiredValue(String field) {
    return terms.stream().filter(t -> !t.negated() && t.field().equals(field)).map(Term::value).findFirst();
  }

  public static FieldSelector parse(String selector, Set<String> supported, String kindForMessage) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    List<Term> out = new ArrayList<>();
    for (String raw : selector.split(",")) {
      String part = raw.trim();
      if (part.isEmpty()) {
        continue;
      }
      Term t;
      int ne = part.indexOf("!=");
      int eqeq = part.indexOf("==");
      int eq = part.indexOf('=');
      if (ne >= 0) {
        t = new Term(part.substring(0, ne).trim(), part.substring(ne + 2).trim(), true);
      } else if (eqeq >= 0) {
        t = new Term(part.substring(0, eqeq).trim(), part.substring(eqeq + 2).trim(), false);
      } else if (eq >= 0) {
        t = new Term(part.substring(0, eq).trim(), part.substring(eq + 1).trim(), false);
      } else {
        throw ApiException.badRequest("invalid selector: '" + selector + "'; can't understand '" + part + "'");
      }
      if (!supported.contains(t.field())) {
        throw ApiException.badRequest("field label not supported: " + t.field());
      }
      out.add(t);
    }
    return new FieldSelector(List.copyOf(out));
  }

  public record Term(String field, String value, boolean negated) {}
}
