package io.quarkube.apiserver.json;

import com.fasterxml.jackson.core.SerializableString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * JSON that is already encoded (UTF-8), for {@code JsonGenerator.writeRawValue}: a UTF-8 generator copies the bytes
 * into its buffer as they are, where a String would be decoded and encoded again (a list item of several KB).
 * Only the unquoted forms exist; a raw value is never written as a quoted string.
 */
public final class RawJsonBytes implements SerializableString {
  private final byte[] utf8;

  public RawJsonBytes(byte[] utf8) {
    this.utf8 = utf8;
  }

  @Override
  public String getValue() {
    return new String(utf8, StandardCharsets.UTF_8); // generators that write characters
  }

  @Override
  public int charLength() {
    return getValue().length();
  }

  @Override
  public byte[] asUnquotedUTF8() {
    return utf8;
  }

  @Override
  public int appendUnquotedUTF8(byte[] buffer, int offset) {
    if (utf8.length > buffer.length - offset) {
      return -1; // the generator then writes asUnquotedUTF8() itself
    }
    System.arraycopy(utf8, 0, buffer, offset, utf8.length);
    return utf8.length;
  }

  @Override
  public int appendUnquoted(char[] buffer, int offset) {
    String s = getValue();
    if (s.length() > buffer.length - offset) {
      return -1;
    }
    s.getChars(0, s.length(), buffer, offset);
    return s.length();
  }

  @Override
  public int writeUnquotedUTF8(OutputStream out) throws IOException {
    out.write(utf8);
    return utf8.length;
  }

  @Override
  public int putUnquotedUTF8(ByteBuffer buffer) {
    if (utf8.length > buffer.remaining()) {
      return -1;
    }
    buffer.put(utf8);
    return utf8.length;
  }

  @Override
  public char[] asQuotedChars() {
    throw quoted();
  }

  @Override
  public byte[] asQuotedUTF8() {
    throw quoted();
  }

  @Override
  public int appendQuotedUTF8(byte[] buffer, int offset) {
    throw quoted();
  }

  @Override
  public int appendQuoted(char[] buffer, int offset) {
    throw quoted();
  }

  @Override
  public int writeQuotedUTF8(OutputStream out) {
    throw quoted();
  }

  @Override
  public int putQuotedUTF8(ByteBuffer buffer) {
    throw quoted();
  }

  private static UnsupportedOperationException quoted() {
    return new UnsupportedOperationException("raw JSON is written as it is, never as a quoted string");
  }
}
