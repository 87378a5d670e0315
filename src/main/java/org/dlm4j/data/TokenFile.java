package org.dlm4j.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only token file: a raw array of little-endian unsigned 16- or 32-bit token ids with no header
 * (nanoGPT's train.bin: {@code np.memmap(path, dtype=np.uint16)} reads it).
 *
 * <p>The file is memory-mapped as one {@link MemorySegment} with long offsets, so multi-GB files work
 * without copying and without the 2 GB limit of a {@code MappedByteBuffer}; the OS pages data in on demand.
 * Reading after {@link #close()} throws {@link IllegalStateException}.
 *
 * <p>Checked on open: the file exists, is not empty, and its byte length is a multiple of the token size.
 * {@link #requireIdsBelow(int)} scans for ids outside a vocabulary.
 */
public final class TokenFile implements AutoCloseable {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final TokenDtype dtype;
    private final Arena arena;
    private final MemorySegment segment;
    private final long length;

    private TokenFile(Path path, TokenDtype dtype, Arena arena, MemorySegment segment) {
        this.path = path;
        this.dtype = dtype;
        this.arena = arena;
        this.segment = segment;
        this.length = segment.byteSize() / dtype.bytes();
    }

    /** Maps {@code path} read-only; fails with a one-line message naming the file when it is missing or malformed. */
    public static TokenFile open(Path path, TokenDtype dtype) {
        InputPaths.requireFile(path, "token file");
        long bytes;
        try {
            bytes = Files.size(path);
        } catch (IOException e) {
            throw AtomicOutput.failedUnchecked("read the token file", path, e);
        }
        if (bytes == 0) {
            throw new IllegalArgumentException("token file " + path + " is empty");
        }
        if (bytes % dtype.bytes() != 0) {
            throw new IllegalArgumentException("token file " + path + " has " + bytes + " bytes, not a multiple of "
                    + dtype.bytes() + " as " + dtype.jsonName() + " needs (truncated or wrong dtype?)");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return new TokenFile(path, dtype, arena, channel.map(FileChannel.MapMode.READ_ONLY, 0, bytes, arena));
        } catch (IOException e) {
            arena.close();
            throw AtomicOutput.failedUnchecked("map the token file", path, e);
        }
    }

    /** Writes {@code tokens} as a complete token file (see {@link TokenFileWriter} for streaming). */
    public static void write(Path path, int[] tokens, TokenDtype dtype) {
        try (var writer = new TokenFileWriter(path, dtype)) {
            writer.write(tokens);
        }
    }

    public Path path() {
        return path;
    }

    public TokenDtype dtype() {
        return dtype;
    }

    /** Number of tokens. */
    public long length() {
        return length;
    }

    /** The token at {@code index}, in {@code [0, length())}. */
    public int get(long index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException("token index " + index + " outside [0, " + length + ") of " + path);
        }
        return dtype == TokenDtype.UINT16
                ? Short.toUnsignedInt(segment.get(U16, index * 2))
                : segment.get(U32, index * 4);
    }

    /** Copies tokens {@code start .. start + dst.length - 1} into {@code dst}. */
    public void read(long start, int[] dst) {
        read(start, dst, 0, dst.length);
    }

    /** Copies {@code count} tokens from {@code start} into {@code dst[offset ..]}. */
    public void read(long start, int[] dst, int offset, int count) {
        if (start < 0 || count < 0 || start + count > length) {
            throw new IndexOutOfBoundsException("tokens [" + start + ", " + (start + count) + ") outside [0, "
                    + length + ") of " + path);
        }
        if (dtype == TokenDtype.UINT16) {
            for (int i = 0; i < count; i++) {
                dst[offset + i] = Short.toUnsignedInt(segment.get(U16, (start + i) * 2));
            }
        } else {
            for (int i = 0; i < count; i++) {
                dst[offset + i] = segment.get(U32, (start + i) * 4);
            }
        }
    }

    /** Scans the whole file; fails naming the first position whose id is not in {@code [0, vocabSize)}. */
    public void requireIdsBelow(int vocabSize) {
        int[] chunk = new int[1 << 16];
        for (long start = 0; start < length; start += chunk.length) {
            int count = (int) Math.min(chunk.length, length - start);
            read(start, chunk, 0, count);
            for (int i = 0; i < count; i++) {
                if (chunk[i] < 0 || chunk[i] >= vocabSize) {
                    throw new IllegalArgumentException("token file " + path + " has id " + Integer.toUnsignedString(chunk[i])
                            + " at position " + (start + i) + ", outside the vocabulary [0, " + vocabSize + ")");
                }
            }
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
