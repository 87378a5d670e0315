package org.dlm4j.data;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 helpers shared by the byte-level tokenizers: lenient decoding (bad bytes become U+FFFD). */
final class Utf8 {
    private Utf8() {
    }

    /** Decodes {@code length} bytes; malformed or truncated sequences become U+FFFD instead of failing. */
    static String decodeLenient(byte[] bytes, int length) {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing UTF-8 decoder cannot fail", e);
        }
    }
}
