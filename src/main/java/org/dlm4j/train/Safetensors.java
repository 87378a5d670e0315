package org.dlm4j.train;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.dlm4j.data.AtomicOutput;

/**
 * Reads and writes the safetensors format, written here from its specification:
 * <pre>
 *   8 bytes      N, the header length, unsigned little-endian 64-bit
 *   N bytes      UTF-8 JSON: { "__metadata__": {string: string},          (optional)
 *                              name: {"dtype": "F32", "shape": [d0, d1, ...],
 *                                     "data_offsets": [begin, end]}, ... }
 *   the rest     the data section: each tensor's raw little-endian row-major bytes at
 *                [begin, end) relative to the start of the section
 * </pre>
 * Writing: tensors are F32, laid out in sorted name order (as the reference implementation does for
 * tensors of one dtype), the header is padded with spaces to a multiple of 8 bytes so the data is
 * aligned, and the file is written atomically ({@link AtomicFiles}).
 *
 * <p>Reading accepts F32, F16, BF16 and F64 (converted to float) and checks everything before
 * trusting it: a truncated file, a header length beyond the file, malformed JSON, an unsupported
 * dtype, a shape whose byte size differs from its offsets, offsets outside the data section,
 * tensors that overlap or leave gaps, and data that the tensors do not exactly cover. Each problem
 * is an {@link IllegalArgumentException} with a one-line message naming the file and the problem.
 */
public final class Safetensors {

    /** The header key under which free-form string metadata lives. */
    public static final String METADATA_KEY = "__metadata__";

    /** Headers larger than this are refused (the reference implementation's limit). */
    private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final int HEADER_ALIGNMENT = 8;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** What a file holds: tensors in header order, and the metadata (empty when there is none). */
    public record Contents(Map<String, NamedArray> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }

        /** The tensor called {@code name}; throws if the file has none. */
        public NamedArray get(String name) {
            NamedArray array = tensors.get(name);
            if (array == null) {
                throw new IllegalArgumentException("no tensor named '" + name + "' (the file has " + tensors.size()
                        + " tensors)");
            }
            return array;
        }
    }

    private Safetensors() {
    }

    // ---------------------------------------------------------------- writing

    /** Writes {@code tensors} (F32) and {@code metadata} to {@code path}, atomically. */
    public static void write(Path path, Collection<NamedArray> tensors, Map<String, String> metadata)
            throws IOException {
        List<NamedArray> sorted = sortedByName(tensors);
        byte[] header = header(sorted, metadata);
        AtomicFiles.write(path, out -> writeTo(out, header, sorted));
    }

    /** The bytes of the file {@link #write} would produce. */
    public static byte[] encode(Collection<NamedArray> tensors, Map<String, String> metadata) {
        List<NamedArray> sorted = sortedByName(tensors);
        byte[] header = header(sorted, metadata);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(out, header, sorted);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static List<NamedArray> sortedByName(Collection<NamedArray> tensors) {
        List<NamedArray> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparing(NamedArray::name));
        for (int i = 0; i < sorted.size(); i++) {
            String name = sorted.get(i).name();
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("'" + METADATA_KEY + "' is reserved and cannot name a tensor");
            }
            if (i > 0 && name.equals(sorted.get(i - 1).name())) {
                throw new IllegalArgumentException("two tensors are named '" + name + "'");
            }
        }
        return sorted;
    }

    /** The JSON header, padded with spaces so that the data section starts 8-byte aligned. */
    private static byte[] header(List<NamedArray> sorted, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (NamedArray array : sorted) {
            ObjectNode entry = root.putObject(array.name());
            entry.put("dtype", Dtype.F32.name());
            ArrayNode shape = entry.putArray("shape");
            for (int extent : array.shape()) {
                shape.add(extent);
            }
            long end = offset + (long) array.size() * Float.BYTES;
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot serialise a safetensors header", e);
        }
        int padded = (json.length + HEADER_ALIGNMENT - 1) / HEADER_ALIGNMENT * HEADER_ALIGNMENT;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    private static void writeTo(OutputStream out, byte[] header, List<NamedArray> sorted) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(header.length);
        out.write(buffer.array(), 0, Long.BYTES);
        out.write(header);
        for (NamedArray array : sorted) {
            float[] data = array.data();
            int i = 0;
            while (i < data.length) {
                buffer.clear();
                int count = Math.min(data.length - i, buffer.capacity() / Float.BYTES);
                buffer.asFloatBuffer().put(data, i, count);
                out.write(buffer.array(), 0, count * Float.BYTES);
                i += count;
            }
        }
    }

    // ---------------------------------------------------------------- reading

    /** Reads and validates the file at {@code path}. */
    public static Contents read(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return parse(new ChannelSource(channel), path.toString());
        } catch (IOException e) {
            throw AtomicOutput.failed("read", path, e);
        }
    }

    /** Reads and validates a file held in memory; {@code source} names it in error messages. */
    public static Contents decode(byte[] bytes, String source) {
        try {
            return parse(new ArraySource(bytes), source);
        } catch (IOException e) {
            throw new IllegalStateException("reading from memory cannot fail", e);
        }
    }

    /** A tensor's header entry once its fields have been checked. */
    private record Entry(String name, Dtype dtype, int[] shape, long begin, long end) {
    }

    private static Contents parse(ByteSource source, String sourceName) throws IOException {
        Problem problem = new Problem(sourceName);
        long fileSize = source.size();
        if (fileSize < Long.BYTES) {
            throw problem.of("truncated: " + fileSize + " bytes, fewer than the 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        source.readFully(0, lengthBytes);
        long headerLength = lengthBytes.getLong(0);
        if (headerLength < 0 || headerLength > fileSize - Long.BYTES) {
            throw problem.of("header length " + Long.toUnsignedString(headerLength)
                    + " goes beyond the end of the file (" + fileSize + " bytes)");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw problem.of("header length " + headerLength + " is over the " + MAX_HEADER_BYTES + "-byte limit");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        source.readFully(Long.BYTES, headerBytes);
        JsonNode root = parseJson(headerBytes.array(), problem);

        long dataStart = Long.BYTES + headerLength;
        long dataSize = fileSize - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                readMetadata(field.getValue(), metadata, problem);
            } else {
                entries.add(readEntry(field.getKey(), field.getValue(), dataSize, problem));
            }
        }
        checkCoverage(entries, dataSize, problem);

        Map<String, NamedArray> tensors = new LinkedHashMap<>();
        for (Entry entry : entries) {
            ByteBuffer bytes = ByteBuffer.allocate((int) (entry.end - entry.begin)).order(ByteOrder.LITTLE_ENDIAN);
            source.readFully(dataStart + entry.begin, bytes);
            bytes.flip();
            tensors.put(entry.name, new NamedArray(entry.name, entry.shape, entry.dtype.toFloats(bytes)));
        }
        return new Contents(tensors, metadata);
    }

    private static JsonNode parseJson(byte[] header, Problem problem) {
        JsonNode root;
        try {
            root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            String reason = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
            throw problem.of("header is not valid JSON: " + reason);
        }
        if (root == null || !root.isObject()) {
            throw problem.of("header is not a JSON object");
        }
        return root;
    }

    private static void readMetadata(JsonNode node, Map<String, String> metadata, Problem problem) {
        if (!node.isObject()) {
            throw problem.of("'" + METADATA_KEY + "' is not a JSON object");
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!field.getValue().isTextual()) {
                throw problem.of("metadata '" + field.getKey() + "' is not a string");
            }
            metadata.put(field.getKey(), field.getValue().textValue());
        }
    }

    private static Entry readEntry(String name, JsonNode node, long dataSize, Problem problem) {
        if (!node.isObject()) {
            throw problem.of("tensor '" + name + "' is not a JSON object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw problem.of("tensor '" + name + "' has no dtype string");
        }
        Dtype dtype = Dtype.find(dtypeNode.textValue());
        if (dtype == null) {
            throw problem.of("tensor '" + name + "' has dtype " + dtypeNode.textValue()
                    + ", which is not supported (supported: " + Arrays.toString(Dtype.values()) + ")");
        }
        long[] shapeLongs = naturalNumbers(node.get("shape"), -1, "shape", name, problem);
        long[] offsets = naturalNumbers(node.get("data_offsets"), 2, "data_offsets", name, problem);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end || end > dataSize) {
            throw problem.of("tensor '" + name + "' data_offsets [" + begin + ", " + end
                    + "] are out of range (the data section has " + dataSize + " bytes"
                    + (end > dataSize ? "; is the file truncated?)" : ")"));
        }
        int[] shape = new int[shapeLongs.length];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shapeLongs[i] > Integer.MAX_VALUE) {
                throw problem.of("tensor '" + name + "' has extent " + shapeLongs[i] + ", too large for Java");
            }
            shape[i] = (int) shapeLongs[i];
            count *= shape[i];
            if (count > Integer.MAX_VALUE) {
                throw problem.of("tensor '" + name + "' has shape " + Arrays.toString(shapeLongs)
                        + ", too many elements for one Java array");
            }
        }
        long expectedBytes = count * dtype.bytes;
        if (expectedBytes != end - begin) {
            throw problem.of("tensor '" + name + "' has shape " + Arrays.toString(shape) + " and dtype " + dtype
                    + " (" + expectedBytes + " bytes) but its data_offsets span " + (end - begin) + " bytes");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** A JSON array of non-negative integers ({@code length} -1: any length). */
    private static long[] naturalNumbers(JsonNode node, int length, String field, String name, Problem problem) {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw problem.of("tensor '" + name + "' has no valid " + field
                    + (length >= 0 ? " (an array of " + length + " integers)" : " (an array of integers)"));
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode value = node.get(i);
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
                throw problem.of("tensor '" + name + "' " + field + " holds " + value
                        + ", not a non-negative integer");
            }
            values[i] = value.longValue();
        }
        return values;
    }

    /** The tensors must tile the data section exactly: no overlap, no gap, nothing left over. */
    private static void checkCoverage(List<Entry> entries, long dataSize, Problem problem) {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        String previous = null;
        for (Entry entry : byOffset) {
            if (entry.begin < covered) {
                throw problem.of("tensors '" + previous + "' and '" + entry.name + "' overlap (bytes "
                        + entry.begin + " to " + covered + ")");
            }
            if (entry.begin > covered) {
                throw problem.of("gap of " + (entry.begin - covered) + " bytes before tensor '" + entry.name
                        + "' at data offset " + covered);
            }
            covered = entry.end;
            previous = entry.name;
        }
        if (covered != dataSize) {
            throw problem.of("the data section has " + dataSize + " bytes but the tensors cover " + covered);
        }
    }

    /** Builds the one-line error messages, all naming the file. */
    private record Problem(String source) {
        IllegalArgumentException of(String what) {
            return new IllegalArgumentException("bad safetensors file " + source + ": " + what);
        }
    }

    /** The element types this reader converts to float. */
    private enum Dtype {
        F32(4), F16(2), BF16(2), F64(8);

        final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }

        static Dtype find(String name) {
            for (Dtype dtype : values()) {
                if (dtype.name().equals(name)) {
                    return dtype;
                }
            }
            return null;
        }

        /** Converts little-endian elements in {@code bytes} (position 0, limit at the end) to floats. */
        float[] toFloats(ByteBuffer bytes) {
            float[] out = new float[bytes.remaining() / this.bytes];
            switch (this) {
                case F32 -> bytes.asFloatBuffer().get(out);
                case F16 -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = Float.float16ToFloat(bytes.getShort());
                    }
                }
                // bfloat16 is the top half of a float32: shift the 16 bits back into place.
                case BF16 -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = Float.intBitsToFloat((bytes.getShort() & 0xFFFF) << 16);
                    }
                }
                case F64 -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = (float) bytes.getDouble();
                    }
                }
            }
            return out;
        }
    }

    /** Random access to the bytes of a file or an array. */
    private interface ByteSource {
        long size() throws IOException;

        /** Fills {@code target} (from its position to its limit) with the bytes at {@code position}. */
        void readFully(long position, ByteBuffer target) throws IOException;
    }

    private record ArraySource(byte[] bytes) implements ByteSource {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public void readFully(long position, ByteBuffer target) {
            target.put(bytes, (int) position, target.remaining());
        }
    }

    private record ChannelSource(FileChannel channel) implements ByteSource {
        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public void readFully(long position, ByteBuffer target) throws IOException {
            long at = position;
            while (target.hasRemaining()) {
                int read = channel.read(target, at);
                if (read < 0) {
                    throw new IOException("file ended while reading at byte " + at);
                }
                at += read;
            }
        }
    }
}
