package io.quarkube.machinery.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GoRegexTest {

    private static boolean matches(String pattern, String s) throws GoRegex.SyntaxError {
        return GoRegex.find(GoRegex.compile(pattern), s);
    }

    @Test
    void goSemantics() throws GoRegex.SyntaxError {
        assertTrue(matches("^(?P<first_name>a)$", "a"));
        assertFalse(matches("^a$", "a\n"));
        assertTrue(matches("(?m)^a$", "a\nb"));
        assertTrue(matches("^x{,3}$", "x{,3}"));
        assertTrue(matches("^[[:digit:]]+$", "123"));
        assertFalse(matches("^[[:^digit:]]+$", "123"));
        assertTrue(matches("^[]a]+$", "]a"));
        assertTrue(matches("^[a[]+$", "[a"));
        assertTrue(matches("^\\p{Greek}+$", "\u03b1\u03b2"));
        assertTrue(matches("^\\Q$a\\E$", "$a"));
        assertTrue(matches("b", "abc"));
    }

    @Test
    void unsupportedSyntax() {
        assertEquals("error parsing regexp: invalid or unsupported Perl syntax: `(?=`",
                assertThrows(GoRegex.SyntaxError.class, () -> GoRegex.compile("a(?=b)")).getMessage());
        assertEquals("error parsing regexp: invalid escape sequence: `\\1`",
                assertThrows(GoRegex.SyntaxError.class, () -> GoRegex.compile("(a)\\1")).getMessage());
        assertEquals("error parsing regexp: missing closing ): `(ab`",
                assertThrows(GoRegex.SyntaxError.class, () -> GoRegex.compile("(ab")).getMessage());
        assertEquals("error parsing regexp: invalid nested repetition operator: `*+`",
                assertThrows(GoRegex.SyntaxError.class, () -> GoRegex.compile("a*+")).getMessage());
    }
}
