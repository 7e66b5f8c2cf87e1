package io.quarkube.machinery.jsonpath;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkube.machinery.jsonpath.Nodes.ArrayNode;
import io.quarkube.machinery.jsonpath.Nodes.BoolNode;
import io.quarkube.machinery.jsonpath.Nodes.FieldNode;
import io.quarkube.machinery.jsonpath.Nodes.FilterNode;
import io.quarkube.machinery.jsonpath.Nodes.FloatNode;
import io.quarkube.machinery.jsonpath.Nodes.IdentifierNode;
import io.quarkube.machinery.jsonpath.Nodes.IntNode;
import io.quarkube.machinery.jsonpath.Nodes.ListNode;
import io.quarkube.machinery.jsonpath.Nodes.Node;
import io.quarkube.machinery.jsonpath.Nodes.Param;
import io.quarkube.machinery.jsonpath.Nodes.RecursiveNode;
import io.quarkube.machinery.jsonpath.Nodes.TextNode;
import io.quarkube.machinery.jsonpath.Nodes.UnionNode;
import io.quarkube.machinery.jsonpath.Nodes.WildcardNode;
import io.quarkube.machinery.schema.GoValues;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * kubectl's JSONPath ({@code k8s.io/client-go/util/jsonpath}) on Jackson trees: templates such as
 * {@code {.spec.replicas}}, {@code {.status.conditions[?(@.type=="Ready")].status}}, {@code {.items[*].name}},
 * {@code {range .items[*]}{.metadata.name}{"\n"}{end}}, slices {@code [1:4:2]}, negative indexes, unions
 * {@code [0,2]}, {@code ['key.with.dots']}, escaped dots ({@code .labels.app\.kubernetes\.io/name}), recursive
 * descent {@code ..name} and wildcards. Parsing and evaluation errors carry client-go's messages.
 *
 * <p>A template is text with {@code {...}} actions; {@link #findResults} returns one list of values per action (as
 * client-go's {@code FindResults}), {@link #execute} prints them as kubectl does. A {@code JsonPath} is immutable
 * and can be shared between threads.
 *
 * <p>Values are JSON nodes; a JSON {@code null} found at a key is {@link com.fasterxml.jackson.databind.node.NullNode}
 * and prints {@code null}. Java {@code null} in a result stands for Go's "no value" (what a {@code range} over
 * {@code null} items yields), which prints {@code <no value>}. Objects are walked in their key order (Go's is random).
 */
public final class JsonPath {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String template;
    private final ListNode root;

    private JsonPath(String template, ListNode root) {
        this.template = template;
        this.root = root;
    }

    /** Parses a template ({@code {.spec.replicas}}, {@code name: {.metadata.name}}). */
    public static JsonPath parse(String template) {
        return new JsonPath(template, Parser.parse(template));
    }

    /** Parses one expression without braces, as CRD printer columns hold them: {@code .spec.replicas}. */
    public static JsonPath parseExpression(String expression) {
        return parse("{" + expression + "}");
    }

    public String template() {
        return template;
    }

    /** client-go's {@code FindResults}: the values of each action, in template order. */
    public List<List<JsonNode>> findResults(JsonNode data, boolean allowMissingKeys) {
        return new Evaluation(allowMissingKeys).find(noValue(data), root.nodes, 0);
    }

    /** All values the template yields, missing keys tolerated (kubectl's default). */
    public List<JsonNode> evaluate(JsonNode data) {
        List<JsonNode> out = new ArrayList<>();
        for (List<JsonNode> r : findResults(data, true)) {
            out.addAll(r);
        }
        return out;
    }

    /** client-go's {@code Execute}: the template's text with each action's values printed. */
    public String execute(JsonNode data, boolean allowMissingKeys) {
        StringBuilder b = new StringBuilder();
        for (List<JsonNode> r : findResults(data, allowMissingKeys)) {
            b.append(printResults(r));
        }
        return b.toString();
    }

    /**
     * client-go's {@code PrintResults}: values separated by a space; objects and arrays as compact JSON, strings
     * raw, numbers as Go prints them, JSON null as {@code null}, no value as {@code <no value>}.
     */
    public static String printResults(List<JsonNode> results) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < results.size(); i++) {
            b.append(printValue(results.get(i)));
            if (i != results.size() - 1) {
                b.append(' ');
            }
        }
        return b.toString();
    }

    /** How {@code PrintResults} prints one value. */
    public static String printValue(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "<no value>";
        }
        if (v.isNull()) {
            return "null";
        }
        if (v.isObject() || v.isArray()) {
            return GoValues.marshal(v);
        }
        return GoValues.sprint(v);
    }

    /** A JSON null passed around as a Go {@code interface{}} loses its type: it becomes "no value". */
    static JsonNode noValue(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode() ? null : v;
    }

    /** One evaluation; client-go keeps this range bookkeeping on the JSONPath itself. */
    private final class Evaluation {
        private final boolean allowMissingKeys;
        private int beginRange;
        private int inRange;
        private int endRange;
        private int lastEndNode = -1;

        Evaluation(boolean allowMissingKeys) {
            this.allowMissingKeys = allowMissingKeys;
        }

        List<List<JsonNode>> find(JsonNode data, List<Node> nodes, int from) {
            List<JsonNode> cur = new ArrayList<>(1);
            cur.add(data);
            List<List<JsonNode>> full = new ArrayList<>();
            for (int i = from; i < nodes.size(); i++) {
                List<JsonNode> results = walk(cur, nodes.get(i));
                if (endRange > 0 && endRange <= inRange) {
                    endRange--;
                    lastEndNode = i;
                    break;
                }
                if (beginRange > 0) {
                    beginRange--;
                    inRange++;
                    if (!results.isEmpty()) {
                        for (JsonNode value : results) {
                            full.addAll(find(noValue(value), nodes, i + 1));
                        }
                    } else {
                        find(null, nodes, i + 1);
                    }
                    inRange--;
                    if (lastEndNode > i) {
                        i = lastEndNode;
                    }
                    continue;
                }
                full.add(results);
            }
            return full;
        }

        private List<JsonNode> walk(List<JsonNode> value, Node node) {
            if (node instanceof ListNode) {
                return evalList(value, (ListNode) node);
            } else if (node instanceof TextNode) {
                List<JsonNode> r = new ArrayList<>(1);
                r.add(NODES.textNode(((TextNode) node).text));
                return r;
            } else if (node instanceof FieldNode) {
                return evalField(value, (FieldNode) node);
            } else if (node instanceof ArrayNode) {
                return evalArray(value, (ArrayNode) node);
            } else if (node instanceof FilterNode) {
                return evalFilter(value, (FilterNode) node);
            } else if (node instanceof IntNode) {
                return repeat(value.size(), NODES.numberNode(((IntNode) node).value));
            } else if (node instanceof FloatNode) {
                return repeat(value.size(), NODES.numberNode(((FloatNode) node).value));
            } else if (node instanceof BoolNode) {
                return repeat(value.size(), NODES.booleanNode(((BoolNode) node).value));
            } else if (node instanceof WildcardNode) {
                return evalWildcard(value);
            } else if (node instanceof RecursiveNode) {
                return evalRecursive(value);
            } else if (node instanceof UnionNode) {
                List<JsonNode> result = new ArrayList<>();
                for (ListNode l : ((UnionNode) node).nodes) {
                    result.addAll(evalList(value, l));
                }
                return result;
            } else if (node instanceof IdentifierNode) {
                return evalIdentifier(value, (IdentifierNode) node);
            }
            throw new JsonPathException("unexpected Node " + node);
        }

        private List<JsonNode> repeat(int n, JsonNode v) {
            return new ArrayList<>(Collections.nCopies(n, v));
        }

        private List<JsonNode> evalList(List<JsonNode> value, ListNode node) {
            List<JsonNode> cur = value;
            for (Node n : node.nodes) {
                cur = walk(cur, n);
            }
            return cur;
        }

        private List<JsonNode> evalIdentifier(List<JsonNode> input, IdentifierNode node) {
            switch (node.name) {
                case "range":
                    beginRange++;
                    return input;
                case "end":
                    if (inRange > 0) {
                        endRange++;
                    } else {
                        throw new JsonPathException("not in range, nothing to end");
                    }
                    return new ArrayList<>();
                default:
                    throw new JsonPathException("unrecognized identifier " + node.name);
            }
        }

        private List<JsonNode> evalArray(List<JsonNode> input, ArrayNode node) {
            List<JsonNode> result = new ArrayList<>();
            for (JsonNode value : input) {
                if (value != null && value.isNull()) {
                    continue;
                }
                if (value == null || !value.isArray()) {
                    throw new JsonPathException(GoValues.typeName(value) + " is not array or slice");
                }
                Param[] params = {node.params[0].copy(), node.params[1].copy(), node.params[2].copy()};
                int len = value.size();
                if (!params[0].known) {
                    params[0].value = 0;
                }
                if (params[0].value < 0) {
                    params[0].value += len;
                }
                if (!params[1].known) {
                    params[1].value = len;
                }
                if (params[1].value < 0 || params[1].value == 0 && params[1].derived) {
                    params[1].value += len;
                }
                if (params[1].value != params[0].value) {
                    if (params[0].value >= len || params[0].value < 0) {
                        throw new JsonPathException("array index out of bounds: index " + params[0].value
                                + ", length " + len);
                    }
                    if (params[1].value > len || params[1].value < 0) {
                        throw new JsonPathException("array index out of bounds: index " + (params[1].value - 1)
                                + ", length " + len);
                    }
                    if (params[0].value > params[1].value) {
                        throw new JsonPathException("starting index " + params[0].value
                                + " is greater than ending index " + params[1].value);
                    }
                } else {
                    return result;
                }
                int step = 1;
                if (params[2].known) {
                    if (params[2].value <= 0) {
                        throw new JsonPathException("step must be > 0");
                    }
                    step = params[2].value;
                }
                for (int i = params[0].value; i < params[1].value; i += step) {
                    result.add(value.get(i));
                }
            }
            return result;
        }

        private List<JsonNode> evalField(List<JsonNode> input, FieldNode node) {
            List<JsonNode> results = new ArrayList<>();
            if (input.isEmpty()) {
                return results;
            }
            for (JsonNode value : input) {
                if (value != null && value.isObject() && value.has(node.value)) {
                    results.add(value.get(node.value));
                }
            }
            if (results.isEmpty() && !allowMissingKeys) {
                throw new JsonPathException(node.value + " is not found");
            }
            return results;
        }

        private List<JsonNode> children(JsonNode value) {
            List<JsonNode> out = new ArrayList<>();
            if (value.isObject() || value.isArray()) {
                for (Iterator<JsonNode> it = value.elements(); it.hasNext();) {
                    out.add(it.next());
                }
            } else if (value.isTextual()) {
                for (byte b : value.asText().getBytes(StandardCharsets.UTF_8)) {
                    out.add(NODES.numberNode(b & 0xff));
                }
            }
            return out;
        }

        private List<JsonNode> evalWildcard(List<JsonNode> input) {
            List<JsonNode> results = new ArrayList<>();
            for (JsonNode value : input) {
                if (value == null || value.isNull()) {
                    continue;
                }
                results.addAll(children(value));
            }
            return results;
        }

        private List<JsonNode> evalRecursive(List<JsonNode> input) {
            List<JsonNode> result = new ArrayList<>();
            for (JsonNode value : input) {
                if (value == null || value.isNull()) {
                    continue;
                }
                List<JsonNode> children = children(value);
                if (!children.isEmpty()) {
                    result.add(value);
                    result.addAll(evalRecursive(children));
                }
            }
            return result;
        }

        private List<JsonNode> evalFilter(List<JsonNode> input, FilterNode node) {
            List<JsonNode> results = new ArrayList<>();
            for (JsonNode value : input) {
                if (value == null || !value.isArray()) {
                    String shown = value == null ? "<invalid reflect.Value>" : GoValues.sprint(value);
                    throw new JsonPathException(shown + " is not array or slice and cannot be filtered");
                }
                for (JsonNode elem : value) {
                    List<JsonNode> temp = new ArrayList<>(1);
                    temp.add(elem);
                    List<JsonNode> lefts;
                    JsonPathException leftErr = null;
                    try {
                        lefts = evalList(temp, node.left);
                    } catch (JsonPathException e) {
                        lefts = Collections.emptyList();
                        leftErr = e;
                    }
                    if (node.operator.equals("exists")) {
                        if (!lefts.isEmpty()) {
                            results.add(elem);
                        }
                        continue;
                    }
                    if (leftErr != null) {
                        throw leftErr;
                    }
                    if (lefts.isEmpty()) {
                        continue;
                    }
                    if (lefts.size() > 1) {
                        throw new JsonPathException("can only compare one element at a time");
                    }
                    List<JsonNode> rights = evalList(temp, node.right);
                    if (rights.isEmpty()) {
                        continue;
                    }
                    if (rights.size() > 1) {
                        throw new JsonPathException("can only compare one element at a time");
                    }
                    if (Compare.test(node.operator, lefts.get(0), rights.get(0))) {
                        results.add(elem);
                    }
                }
            }
            return results;
        }
    }
}
