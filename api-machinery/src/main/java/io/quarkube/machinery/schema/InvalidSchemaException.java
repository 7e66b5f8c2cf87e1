package io.quarkube.machinery.schema;

import java.util.List;
import java.util.stream.Collectors;

/** A CRD schema failed validation; {@link #errors()} are what the API server reports in its 422. */
public final class InvalidSchemaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<FieldError> errors;

    public InvalidSchemaException(List<FieldError> errors) {
        super(errors.stream().map(FieldError::toString).collect(Collectors.joining(", ", "[", "]")));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
