package org.dlm4j.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SafetensorsTest {

    @TempDir
    Path folder;

    private static final NamedArray MATRIX = new NamedArray("b.weight", new int[]{2, 3},
            new float[]{1f, -2f, 3.5f, Float.MIN_VALUE, -0f, 1e30f});
    private static final NamedArray VECTOR = new NamedArray("a.bias", new int[]{3}, new float[]{0.25f, 7f, -1f});
    private static final NamedArray SCALAR = new NamedArray("c.scale", new int[]{}, new float[]{42f});
    private static final NamedArray EMPTY = new NamedArray("d.none", new int[]{0, 4}, new float[0]);

    @Test
    void roundTripKeepsNamesShapesValuesAndMetadata() throws IOException {
        Path file = folder.resolve("weights.safetensors");
        Safetensors.write(file, List.of(MATRIX, SCALAR, VECTOR, EMPTY), Map.of("step", "12", "format", "pt"));

        Safetensors.Contents read = Safetensors.read(file);

        assertThat(read.tensors().keySet()).containsExactly("a.bias", "b.weight", "c.scale", "d.none");
        assertThat(read.get("b.weight")).isEqualTo(MATRIX);
        assertThat(read.get("a.bias")).isEqualTo(VECTOR);
        assertThat(read.get("c.scale").shape()).isEmpty();
        assertThat(read.get("c.scale").data()).containsExactly(42f);
        assertThat(read.get("d.none").shape()).containsExactly(0, 4);
        assertThat(read.metadata()).containsExactly(Map.entry("format", "pt"), Map.entry("step", "12"));
    }

    @Test
    void layoutIsSortedAlignedLittleEndian() {
        byte[] bytes = Safetensors.encode(List.of(MATRIX, VECTOR), Map.of());
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buffer.getLong(0);
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);

        assertThat(headerLength % 8).isZero();
        assertThat(header).startsWith("{\"a.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}")
                .contains("\"b.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[12,36]}")
                .doesNotContain("__metadata__");
        assertThat(bytes).hasSize((int) (8 + headerLength + 36));
        // a.bias comes first in the data section: 0.25f is 0x3E800000.
        assertThat(buffer.getInt((int) (8 + headerLength))).isEqualTo(0x3E800000);
    }

    @Test
    void readsTheFileWrittenByThePythonGenerator() throws IOException {
        Safetensors.Contents ops = Safetensors.decode(resource("/golden/ops.safetensors"), "ops.safetensors");

        assertThat(ops.metadata()).containsEntry("magic", "dlm4j-golden").containsEntry("version", "1");
        assertThat(ops.get("linear.out").shape()).containsExactly(2, 3, 5);
        // The layout is right if out = x Wᵀ + b recomputes from the stored inputs.
        float[] x = ops.get("linear.x").data();        // (2, 3, 4)
        float[] w = ops.get("linear.weight").data();   // (5, 4)
        float[] b = ops.get("linear.bias").data();     // (5)
        float[] out = ops.get("linear.out").data();    // (2, 3, 5)
        for (int row = 0; row < 6; row++) {
            for (int o = 0; o < 5; o++) {
                double sum = b[o];
                for (int i = 0; i < 4; i++) {
                    sum += (double) x[row * 4 + i] * w[o * 4 + i];
                }
                assertThat(out[row * 5 + o]).isCloseTo((float) sum, within(1e-5f));
            }
        }
    }

    @Test
    void readsHalfAndBfloat16AsFloat() {
        // F16: 1.0 = 0x3C00, -2.0 = 0xC000; BF16: 1.0 = 0x3F80, -3.0 = 0xC040, 0.5 = 0x3F00.
        byte[] data = littleEndianShorts(0x3C00, 0xC000, 0x3F80, 0xC040, 0x3F00, 0);
        byte[] file = file("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[4,12]}}", data);

        Safetensors.Contents read = Safetensors.decode(file, "half");

        assertThat(read.get("h").data()).containsExactly(1f, -2f);
        assertThat(read.get("bf").data()).containsExactly(1f, -3f, 0.5f, 0f);
    }

    @Test
    void refusesATruncatedFile() {
        byte[] valid = Safetensors.encode(List.of(MATRIX), Map.of());
        assertProblem(Arrays.copyOf(valid, 5), "truncated: 5 bytes");
        assertProblem(Arrays.copyOf(valid, valid.length - 4), "is the file truncated?");
    }

    @Test
    void refusesAHeaderLengthBeyondTheFile() {
        byte[] file = Safetensors.encode(List.of(MATRIX), Map.of());
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1_000_000L);
        assertProblem(file, "header length 1000000 goes beyond the end of the file");
    }

    @Test
    void refusesBadJson() {
        assertProblem(file("{\"a\": {\"dtype\": ", new byte[0]), "header is not valid JSON");
        assertProblem(file("[1, 2]", new byte[0]), "header is not a JSON object");
        assertProblem(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "Duplicate field 'a'");
        assertProblem(file("{\"__metadata__\":{\"step\":3}}", new byte[0]), "metadata 'step' is not a string");
        assertProblem(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]),
                "shape holds -1, not a non-negative integer");
        assertProblem(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]), "has no valid data_offsets");
    }

    @Test
    void refusesOffsetsOutOfRange() {
        assertProblem(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", new byte[8]),
                "'a' data_offsets [8, 0] are out of range");
        assertProblem(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[25],\"data_offsets\":[0,100]}}", new byte[8]),
                "'a' data_offsets [0, 100] are out of range (the data section has 8 bytes");
    }

    @Test
    void refusesOverlapsGapsAndUncoveredData() {
        assertProblem(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]),
                "tensors 'a' and 'b' overlap");
        assertProblem(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", new byte[12]),
                "gap of 4 bytes before tensor 'b'");
        assertProblem(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[8]),
                "the data section has 8 bytes but the tensors cover 4");
    }

    @Test
    void refusesAnUnsupportedDtype() {
        assertProblem(file("{\"ids\":{\"dtype\":\"I8\",\"shape\":[4],\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor 'ids' has dtype I8, which is not supported");
    }

    @Test
    void refusesAShapeThatDoesNotMatchTheBytes() {
        assertProblem(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]),
                "tensor 'a' has shape [3] and dtype F32 (12 bytes) but its data_offsets span 8 bytes");
    }

    @Test
    void writingRefusesDuplicateAndReservedNames() {
        NamedArray clash = new NamedArray("a.bias", new int[]{1}, new float[]{1f});
        assertThatThrownBy(() -> Safetensors.encode(List.of(VECTOR, clash), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("two tensors are named 'a.bias'");
        NamedArray reserved = new NamedArray("__metadata__", new int[]{1}, new float[]{1f});
        assertThatThrownBy(() -> Safetensors.encode(List.of(reserved), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is reserved");
    }

    @Test
    void namedArrayChecksShapeAgainstData() {
        assertThatThrownBy(() -> new NamedArray("w", new int[]{2, 3}, new float[5]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tensor 'w' has shape [2, 3] (6 elements) but 5 values");
    }

    @Test
    void readReportsTheFileNameOfABadFile() throws IOException {
        Path file = folder.resolve("broken.safetensors");
        Files.write(file, new byte[3]);
        assertThatThrownBy(() -> Safetensors.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad safetensors file " + file + ": truncated: 3 bytes, fewer than the 8-byte header length");
    }

    private static void assertProblem(byte[] file, String expectedPart) {
        assertThatThrownBy(() -> Safetensors.decode(file, "test.safetensors"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad safetensors file test.safetensors: ")
                .hasMessageContaining(expectedPart)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    /** A file with the given header JSON and data section. */
    private static byte[] file(String header, byte[] data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
        out.writeBytes(json);
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static byte[] littleEndianShorts(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : values) {
            buffer.putShort((short) value);
        }
        return buffer.array();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SafetensorsTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
