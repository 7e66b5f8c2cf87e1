package io.quarkube.machinery.jsonpath;

import java.util.ArrayList;
import java.util.List;

/** The parse tree of a JSONPath template (client-go's {@code node.go}). */
final class Nodes {

    private Nodes() {
    }

    interface Node {
    }

    static final class ListNode implements Node {
        final List<Node> nodes = new ArrayList<>();

        void append(Node n) {
            nodes.add(n);
        }
    }

    static final class TextNode implements Node {
        final String text;

        TextNode(String text) {
            this.text = text;
        }
    }

    static final class FieldNode implements Node {
        final String value;

        FieldNode(String value) {
            this.value = value;
        }
    }

    static final class IdentifierNode implements Node {
        final String name;

        IdentifierNode(String name) {
            this.name = name;
        }
    }

    /** One of the three slice parameters {@code [start:end:step]}. */
    static final class Param {
        int value;
        boolean known;
        boolean derived;

        Param copy() {
            Param p = new Param();
            p.value = value;
            p.known = known;
            p.derived = derived;
            return p;
        }
    }

    static final class ArrayNode implements Node {
        final Param[] params;

        ArrayNode(Param[] params) {
            this.params = params;
        }
    }

    static final class FilterNode implements Node {
        final ListNode left;
        final ListNode right;
        final String operator;

        FilterNode(ListNode left, ListNode right, String operator) {
            this.left = left;
            this.right = right;
            this.operator = operator;
        }
    }

    static final class IntNode implements Node {
        final long value;

        IntNode(long value) {
            this.value = value;
        }
    }

    static final class FloatNode implements Node {
        final double value;

        FloatNode(double value) {
            this.value = value;
        }
    }

    static final class BoolNode implements Node {
        final boolean value;

        BoolNode(boolean value) {
            this.value = value;
        }
    }

    static final class WildcardNode implements Node {
    }

    static final class RecursiveNode implements Node {
    }

    static final class UnionNode implements Node {
        final List<ListNode> nodes;

        UnionNode(List<ListNode> nodes) {
            this.nodes = nodes;
        }
    }
}
