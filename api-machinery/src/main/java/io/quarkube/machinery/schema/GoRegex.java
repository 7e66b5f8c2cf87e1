package io.quarkube.machinery.schema;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Go's RE2 {@code regexp} (what {@code pattern} means in a CRD schema) on top of {@link java.util.regex}.
 *
 * <p>Patterns are translated where the dialects differ and rejected where RE2 has no such syntax: lookaround,
 * backreferences, possessive and atomic groups fail as in Go; {@code (?P<name>)} and POSIX classes
 * ({@code [[:alpha:]]}) are rewritten, group names dropped; {@code $} outside multi-line mode means end of text as in Go, not "before a
 * final newline"; only {@code \n} ends a line. {@link #find} is Go's {@code MatchString} (unanchored).
 * Compile errors read {@code error parsing regexp: ...} like Go's; the wording after that prefix is close to Go's
 * for common mistakes (a dangling {@code +}, unbalanced parentheses or brackets) and Java's otherwise.
 */
final class GoRegex {

    /** A pattern that does not compile, with Go's error text. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message);
        }
    }

    private static final Map<String, Object> CACHE = new ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 4096;

    private GoRegex() {
    }

    /** The compiled pattern, or a {@link SyntaxError} whose message is Go's {@code err.Error()}. */
    static Pattern compile(String goPattern) throws SyntaxError {
        Object cached = CACHE.get(goPattern);
        if (cached == null) {
            try {
                cached = Pattern.compile(translate(goPattern), Pattern.UNIX_LINES);
            } catch (SyntaxError e) {
                cached = e;
            } catch (PatternSyntaxException e) {
                cached = new SyntaxError(goMessage(goPattern, e));
            }
            if (CACHE.size() > CACHE_LIMIT) {
                CACHE.clear();
            }
            CACHE.put(goPattern, cached);
        }
        if (cached instanceof SyntaxError) {
            throw (SyntaxError) cached;
        }
        return (Pattern) cached;
    }

    /** Go's {@code regexp.MatchString}: whether the pattern matches anywhere in {@code s}. */
    static boolean find(Pattern p, String s) {
        return p.matcher(s).find();
    }

    private static final Pattern REPEAT = Pattern.compile("\\{\\d+(,\\d*)?}");

    private static final Map<String, String> POSIX = Map.ofEntries(
            Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"), Map.entry("ascii", "\\p{ASCII}"),
            Map.entry("blank", "\\p{Blank}"), Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "\\p{Digit}"),
            Map.entry("graph", "\\p{Graph}"), Map.entry("lower", "\\p{Lower}"), Map.entry("print", "\\p{Print}"),
            Map.entry("punct", "\\p{Punct}"), Map.entry("space", "\\s\\x0B"), Map.entry("upper", "\\p{Upper}"),
            Map.entry("word", "\\w"), Map.entry("xdigit", "\\p{XDigit}"));

    static String translate(String p) throws SyntaxError {
        boolean multiline = p.matches("(?s).*\\(\\?[a-zA-Z]*m[a-zA-Z]*[):].*");
        StringBuilder out = new StringBuilder(p.length() + 8);
        boolean inClass = false;
        int n = p.length();
        for (int i = 0; i < n; i++) {
            char c = p.charAt(i);
            if (c == '\\') {
                if (i + 1 >= n) {
                    throw new SyntaxError("error parsing regexp: trailing backslash at end of expression: ``");
                }
                char e = p.charAt(i + 1);
                if (e == 'Q') {
                    int end = p.indexOf("\\E", i + 2);
                    int stop = end < 0 ? n : end + 2;
                    out.append(p, i, stop);
                    i = stop - 1;
                    continue;
                }
                if (e >= '1' && e <= '9' && !inClass) {
                    throw new SyntaxError("error parsing regexp: invalid escape sequence: `\\" + e + "`");
                }
                if (e == 'Z' || e == 'h' || e == 'H' || e == 'R' || e == 'X' || e == 'V' || e == 'G' || e == 'e'
                        || e == 'k' || e == 'c') {
                    throw new SyntaxError("error parsing regexp: invalid escape sequence: `\\" + e + "`");
                }
                if ((e == 'p' || e == 'P') && i + 2 < n && p.charAt(i + 2) == '{') {
                    int close = p.indexOf('}', i + 3);
                    if (close > 0) {
                        String name = p.substring(i + 3, close);
                        boolean neg = name.startsWith("^");
                        String bare = neg ? name.substring(1) : name;
                        String prop = bare.length() <= 2 || bare.equals("Any") ? bare : "Is" + bare;
                        boolean negate = (e == 'P') ^ neg;
                        out.append(negate ? "\\P{" : "\\p{").append(prop).append('}');
                        i = close;
                        continue;
                    }
                }
                out.append(c).append(e);
                i++;
                continue;
            }
            if (inClass) {
                if (c == '[' && i + 1 < n && p.charAt(i + 1) == ':') {
                    int close = p.indexOf(":]", i + 2);
                    if (close > 0) {
                        String name = p.substring(i + 2, close);
                        boolean neg = name.startsWith("^");
                        String cls = POSIX.get(neg ? name.substring(1) : name);
                        if (cls == null) {
                            throw new SyntaxError("error parsing regexp: invalid character class range: `"
                                    + p.substring(i, close + 2) + "`");
                        }
                        if (neg) {
                            out.append("[^").append(cls).append(']');
                        } else {
                            out.append(cls);
                        }
                        i = close + 1;
                        continue;
                    }
                }
                if (c == '[') {
                    out.append("\\[");
                    continue;
                }
                if (c == '&' && i + 1 < n && p.charAt(i + 1) == '&') {
                    out.append("&\\&");
                    i++;
                    continue;
                }
                if (c == ']') {
                    inClass = false;
                }
                out.append(c);
                continue;
            }
            switch (c) {
                case '[':
                    inClass = true;
                    out.append(c);
                    if (i + 1 < n && p.charAt(i + 1) == '^') {
                        out.append('^');
                        i++;
                    }
                    if (i + 1 < n && p.charAt(i + 1) == ']') {
                        out.append("\\]"); // a leading ] is literal in RE2
                        i++;
                    }
                    break;
                case '(':
                    boolean named = p.startsWith("(?P<", i) || p.startsWith("(?<", i) && !p.startsWith("(?<=", i)
                            && !p.startsWith("(?<!", i);
                    int close = named ? p.indexOf('>', i) : -1;
                    if (named && close > 0) {
                        out.append('('); // names play no part in matching; Java's rules for them are stricter
                        i = close;
                    } else if (p.startsWith("(?=", i) || p.startsWith("(?!", i) || p.startsWith("(?<", i)
                            || p.startsWith("(?>", i)) {
                        throw new SyntaxError("error parsing regexp: invalid or unsupported Perl syntax: `"
                                + p.substring(i, Math.min(n, i + 3)) + "`");
                    } else {
                        out.append(c);
                    }
                    break;
                case '$':
                    out.append(multiline ? "$" : "\\z");
                    break;
                case '{':
                    if (REPEAT.matcher(p).region(i, n).lookingAt()) {
                        out.append(c);
                    } else {
                        out.append("\\{"); // not a repetition: a literal brace in RE2
                    }
                    break;
                case '*':
                case '+':
                case '?':
                    out.append(c);
                    if (i + 1 < n && p.charAt(i + 1) == '+') {
                        throw new SyntaxError("error parsing regexp: invalid nested repetition operator: `"
                                + c + "+`");
                    }
                    break;
                default:
                    out.append(c);
            }
        }
        return out.toString();
    }

    private static String goMessage(String pattern, PatternSyntaxException e) {
        String d = e.getDescription();
        int idx = e.getIndex();
        if (d.startsWith("Dangling meta character")) {
            String op = idx >= 0 && idx < pattern.length() ? String.valueOf(pattern.charAt(idx)) : "";
            if (d.contains("'")) {
                op = d.substring(d.indexOf('\'') + 1, d.lastIndexOf('\''));
            }
            return "error parsing regexp: missing argument to repetition operator: `" + op + "`";
        }
        if (d.startsWith("Unclosed group")) {
            return "error parsing regexp: missing closing ): `" + pattern + "`";
        }
        if (d.startsWith("Unmatched closing ')'")) {
            return "error parsing regexp: unexpected ): `" + pattern + "`";
        }
        if (d.startsWith("Unclosed character class")) {
            int open = pattern.lastIndexOf('[');
            return "error parsing regexp: missing closing ]: `" + (open >= 0 ? pattern.substring(open) : pattern)
                    + "`";
        }
        if (d.startsWith("Illegal repetition")) {
            return "error parsing regexp: invalid repeat count: `" + pattern + "`";
        }
        return "error parsing regexp: " + d + ": `" + pattern + "`";
    }
}
