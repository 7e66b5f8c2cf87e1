package io.quarkube.proto.kube;

/**
 * How the Go struct field behind one proto field is written as JSON, which the .proto does not say.
 *
 * @param jsonName the JSON key (equal to the proto field name except for a few upstream oddities)
 * @param inline   an embedded struct ({@code json:",inline"}) whose fields sit directly in the parent object
 * @param keep     no {@code omitempty}: Go writes zero values, and {@code null} for a nil pointer/slice/map
 * @param nilable  a pointer, {@code []byte} or named slice in Go: absent on the wire means nil, not a zero value
 */
record FieldFacts(String jsonName, boolean inline, boolean keep, boolean nilable) {
}
