package io.quarkube.machinery.jsonpath;

/** A JSONPath template that does not parse, or an evaluation error; the message is client-go's. */
public final class JsonPathException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public JsonPathException(String message) {
        super(message);
    }
}
