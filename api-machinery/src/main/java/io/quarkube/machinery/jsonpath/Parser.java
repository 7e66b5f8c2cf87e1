package io.quarkube.machinery.jsonpath;

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
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** client-go's JSONPath template parser ({@code parser.go}), with its error messages. */
final class Parser {

    private static final int EOF = -1;
    private static final Pattern DICT_KEY = Pattern.compile("^'([^']*)'$");
    private static final Pattern SLICE = Pattern.compile("^(-?[\\d]*)(:-?[\\d]*)?(:-?[\\d]*)?$");
    private static final Pattern FILTER = Pattern.compile("^([^!<>=]+)([!<>=]+)(.+?)$");

    private String input;
    private int pos;
    private int start;
    private int width;
    private ListNode root;

    static ListNode parse(String text) {
        Parser p = new Parser();
        p.input = text;
        p.root = new ListNode();
        p.pos = 0;
        p.parseText(p.root);
        return p.root;
    }

    /** Parses {@code {text}} and returns the list inside the braces. */
    private static ListNode parseAction(String text) {
        ListNode r = parse("{" + text + "}");
        return (ListNode) r.nodes.get(0);
    }

    private String consumeText() {
        String value = input.substring(start, pos);
        start = pos;
        return value;
    }

    private int next() {
        if (pos >= input.length()) {
            width = 0;
            return EOF;
        }
        int r = input.codePointAt(pos);
        width = Character.charCount(r);
        pos += width;
        return r;
    }

    private int peek() {
        int r = next();
        backup();
        return r;
    }

    private void backup() {
        pos -= width;
    }

    private void parseText(ListNode cur) {
        while (true) {
            if (input.startsWith("{", pos)) {
                if (pos > start) {
                    cur.append(new TextNode(consumeText()));
                }
                parseLeftDelim(cur);
                return;
            }
            if (next() == EOF) {
                break;
            }
        }
        if (pos > start) {
            cur.append(new TextNode(consumeText()));
        }
    }

    private void parseLeftDelim(ListNode cur) {
        pos += 1;
        consumeText();
        ListNode n = new ListNode();
        cur.append(n);
        parseInsideAction(n);
    }

    private void parseInsideAction(ListNode cur) {
        while (true) {
            if (input.startsWith("}", pos)) {
                parseRightDelim();
                return;
            }
            if (input.startsWith("[?(", pos)) {
                parseFilter(cur);
                return;
            }
            if (input.startsWith("..", pos)) {
                parseRecursive(cur);
                return;
            }
            int r = next();
            if (r == EOF || r == '\r' || r == '\n') {
                throw new JsonPathException("unclosed action");
            } else if (r == ' ' || r == '@' || r == '$') {
                consumeText(); // spaces and the current object are skipped
            } else if (r == '[') {
                parseArray(cur);
                return;
            } else if (r == '"' || r == '\'') {
                parseQuote(cur, r);
                return;
            } else if (r == '.') {
                parseField(cur);
                return;
            } else if (r == '+' || r == '-' || Character.isDigit(r)) {
                backup();
                parseNumber(cur);
                return;
            } else if (isAlphaNumeric(r)) {
                backup();
                parseIdentifier(cur);
                return;
            } else {
                throw new JsonPathException("unrecognized character in action: " + goU(r));
            }
        }
    }

    /** Go's {@code %#U}: {@code U+002A '*'}. */
    private static String goU(int r) {
        String u = String.format("U+%04X", r);
        if (Character.isISOControl(r) || !Character.isDefined(r)) {
            return u;
        }
        return u + " '" + new String(Character.toChars(r)) + "'";
    }

    private void parseRightDelim() {
        pos += 1;
        consumeText();
        parseText(root);
    }

    private void parseIdentifier(ListNode cur) {
        while (true) {
            int r = next();
            if (isTerminator(r)) {
                backup();
                break;
            }
        }
        String value = consumeText();
        if (value.equals("true") || value.equals("false")) {
            cur.append(new BoolNode(Boolean.parseBoolean(value)));
        } else {
            cur.append(new IdentifierNode(value));
        }
        parseInsideAction(cur);
    }

    private void parseRecursive(ListNode cur) {
        if (!cur.nodes.isEmpty() && cur.nodes.get(cur.nodes.size() - 1) instanceof RecursiveNode) {
            throw new JsonPathException("invalid multiple recursive descent");
        }
        pos += 2;
        consumeText();
        cur.append(new RecursiveNode());
        if (isAlphaNumeric(peek())) {
            parseField(cur);
            return;
        }
        parseInsideAction(cur);
    }

    private void parseNumber(ListNode cur) {
        int r = peek();
        if (r == '+' || r == '-') {
            next();
        }
        while (true) {
            r = next();
            if (r != '.' && !(r >= '0' && r <= '9')) {
                backup();
                break;
            }
        }
        String value = consumeText();
        try {
            cur.append(new IntNode(Long.parseLong(value)));
            parseInsideAction(cur);
            return;
        } catch (NumberFormatException e) {
            // not an integer
        }
        double d;
        try {
            if (value.isEmpty() || value.equals("+") || value.equals("-")) {
                throw new NumberFormatException();
            }
            d = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new JsonPathException("cannot parse number " + value);
        }
        cur.append(new FloatNode(d));
        parseInsideAction(cur);
    }

    private void parseArray(ListNode cur) {
        loop:
        while (true) {
            switch (next()) {
                case EOF:
                case '\n':
                    throw new JsonPathException("unterminated array");
                case ']':
                    break loop;
                default:
            }
        }
        String text = consumeText();
        text = text.substring(1, text.length() - 1);
        if (text.equals("*")) {
            text = ":";
        }
        String[] strs = text.split(",", -1);
        if (strs.length > 1) {
            List<ListNode> union = new ArrayList<>();
            for (String s : strs) {
                union.add(parseAction("[" + trimSpaces(s) + "]"));
            }
            cur.append(new UnionNode(union));
            parseInsideAction(cur);
            return;
        }
        Matcher dict = DICT_KEY.matcher(text);
        if (dict.find()) {
            for (Node n : parseAction("." + dict.group(1)).nodes) {
                cur.append(n);
            }
            parseInsideAction(cur);
            return;
        }
        Matcher m = SLICE.matcher(text);
        if (!m.find()) {
            throw new JsonPathException("invalid array index " + text);
        }
        String[] value = {m.group(1) == null ? "" : m.group(1), m.group(2) == null ? "" : m.group(2),
            m.group(3) == null ? "" : m.group(3)};
        Param[] params = {new Param(), new Param(), new Param()};
        for (int i = 0; i < 3; i++) {
            if (!value[i].isEmpty()) {
                if (i > 0) {
                    value[i] = value[i].substring(1);
                }
                if (i > 0 && value[i].isEmpty()) {
                    params[i].known = false;
                } else {
                    params[i].known = true;
                    try {
                        params[i].value = Integer.parseInt(value[i]);
                    } catch (NumberFormatException e) {
                        throw new JsonPathException("array index " + value[i] + " is not a number");
                    }
                }
            } else if (i == 1) {
                params[i].known = true;
                params[i].value = params[0].value + 1;
                params[i].derived = true;
            } else {
                params[i].known = false;
                params[i].value = 0;
            }
        }
        cur.append(new ArrayNode(params));
        parseInsideAction(cur);
    }

    private static String trimSpaces(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && s.charAt(b) == ' ') {
            b++;
        }
        while (e > b && s.charAt(e - 1) == ' ') {
            e--;
        }
        return s.substring(b, e);
    }

    private void parseFilter(ListNode cur) {
        pos += 3;
        consumeText();
        boolean begin = false;
        boolean end = false;
        int pair = 0;
        loop:
        while (true) {
            int r = next();
            switch (r) {
                case EOF:
                case '\n':
                    throw new JsonPathException("unterminated filter");
                case '"':
                case '\'':
                    if (!begin) {
                        begin = true;
                        pair = r;
                        continue;
                    }
                    if (input.charAt(pos - 2) != '\\' && r == pair) {
                        end = true;
                    }
                    break;
                case ')':
                    if (begin == end) {
                        break loop;
                    }
                    break;
                default:
            }
        }
        if (next() != ']') {
            throw new JsonPathException("unclosed array expect ]");
        }
        String text = consumeText();
        text = text.substring(0, text.length() - 2);
        Matcher m = FILTER.matcher(text);
        if (!m.find()) {
            cur.append(new FilterNode(parseAction(text), new ListNode(), "exists"));
        } else {
            ListNode left = parseAction(m.group(1));
            ListNode right = parseAction(m.group(3));
            cur.append(new FilterNode(left, right, m.group(2)));
        }
        parseInsideAction(cur);
    }

    private void parseQuote(ListNode cur, int end) {
        while (true) {
            int r = next();
            if (r == EOF || r == '\n') {
                throw new JsonPathException("unterminated quoted string");
            }
            if (r == end && input.charAt(pos - 2) != '\\') {
                break;
            }
        }
        String value = consumeText();
        String s = unquoteExtend(value);
        if (s == null) {
            throw new JsonPathException("unquote string " + value + " error invalid syntax");
        }
        cur.append(new TextNode(s));
        parseInsideAction(cur);
    }

    private void parseField(ListNode cur) {
        consumeText();
        while (advance()) {
            // scan to the next unescaped terminator
        }
        String value = consumeText();
        if (value.equals("*")) {
            cur.append(new WildcardNode());
        } else {
            cur.append(new FieldNode(value.replace("\\", "")));
        }
        parseInsideAction(cur);
    }

    private boolean advance() {
        int r = next();
        if (r == '\\') {
            next();
        } else if (isTerminator(r)) {
            backup();
            return false;
        }
        return true;
    }

    private static boolean isTerminator(int r) {
        switch (r) {
            case ' ':
            case '\t':
            case '\r':
            case '\n':
            case EOF:
            case '.':
            case ',':
            case '[':
            case ']':
            case '$':
            case '@':
            case '{':
            case '}':
                return true;
            default:
                return false;
        }
    }

    private static boolean isAlphaNumeric(int r) {
        return r == '_' || Character.isLetter(r) || Character.isDigit(r);
    }

    /** client-go's {@code UnquoteExtend}: Go's {@code strconv.Unquote} for single and double quotes; null if bad. */
    static String unquoteExtend(String s) {
        int n = s.length();
        if (n < 2) {
            return null;
        }
        char quote = s.charAt(0);
        if (quote != s.charAt(n - 1) || quote != '"' && quote != '\'') {
            return null;
        }
        s = s.substring(1, n - 1);
        if (s.indexOf('\\') < 0 && s.indexOf(quote) < 0) {
            return s;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == quote) {
                return null;
            }
            if (c != '\\') {
                int cp = s.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                buf.write(b, 0, b.length);
                i += Character.charCount(cp);
                continue;
            }
            if (i + 1 >= s.length()) {
                return null;
            }
            char e = s.charAt(i + 1);
            i += 2;
            switch (e) {
                case 'a':
                    buf.write(7);
                    break;
                case 'b':
                    buf.write('\b');
                    break;
                case 'f':
                    buf.write('\f');
                    break;
                case 'n':
                    buf.write('\n');
                    break;
                case 'r':
                    buf.write('\r');
                    break;
                case 't':
                    buf.write('\t');
                    break;
                case 'v':
                    buf.write(11);
                    break;
                case 'x':
                case 'u':
                case 'U': {
                    int len = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (i + len > s.length()) {
                        return null;
                    }
                    int v = 0;
                    for (int j = 0; j < len; j++) {
                        int d = Character.digit(s.charAt(i + j), 16);
                        if (d < 0 || s.charAt(i + j) > 'f') {
                            return null;
                        }
                        v = (v << 4) | d;
                    }
                    i += len;
                    if (e == 'x') {
                        buf.write(v);
                    } else {
                        if (v > Character.MAX_CODE_POINT || v >= 0xd800 && v <= 0xdfff) {
                            return null;
                        }
                        byte[] b = new String(Character.toChars(v)).getBytes(StandardCharsets.UTF_8);
                        buf.write(b, 0, b.length);
                    }
                    break;
                }
                case '0':
                case '1':
                case '2':
                case '3':
                case '4':
                case '5':
                case '6':
                case '7': {
                    int v = e - '0';
                    if (i + 2 > s.length()) {
                        return null;
                    }
                    for (int j = 0; j < 2; j++) {
                        int x = s.charAt(i + j) - '0';
                        if (x < 0 || x > 7) {
                            return null;
                        }
                        v = (v << 3) | x;
                    }
                    i += 2;
                    if (v > 255) {
                        return null;
                    }
                    buf.write(v);
                    break;
                }
                case '\\':
                    buf.write('\\');
                    break;
                case '\'':
                case '"':
                    if (e != quote) {
                        return null;
                    }
                    buf.write(e);
                    break;
                default:
                    return null;
            }
        }
        return new String(buf.toByteArray(), StandardCharsets.UTF_8);
    }
}
