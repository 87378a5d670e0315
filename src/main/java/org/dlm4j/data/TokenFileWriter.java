package org.dlm4j.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams token ids into a token file (raw little-endian, see {@link TokenFile}). Each id is checked to fit
 * the dtype. Callers that must not leave a half-written file write into a temporary folder and move it
 * into place when done ({@link DatasetWriter} does).
 */
public final class TokenFileWriter implements AutoCloseable {
    private final Path path;
    private final TokenDtype dtype;
    private final OutputStream out;
    private long count;

    public TokenFileWriter(Path path, TokenDtype dtype) {
        this.path = path;
        this.dtype = dtype;
        try {
            this.out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
        } catch (IOException e) {
            throw AtomicOutput.failedUnchecked("create the token file", path, e);
        }
    }

    public void write(int[] ids) {
        for (int id : ids) {
            write(id);
        }
    }

    public void write(int id) {
        long max = dtype == TokenDtype.UINT16 ? 0xFFFF : Integer.MAX_VALUE;
        if (id < 0 || id > max) {
            throw new IllegalArgumentException("token id " + id + " does not fit " + dtype.jsonName() + " in " + path);
        }
        try {
            out.write(id); // little-endian: low byte first
            out.write(id >>> 8);
            if (dtype == TokenDtype.UINT32) {
                out.write(id >>> 16);
                out.write(id >>> 24);
            }
        } catch (IOException e) {
            throw AtomicOutput.failedUnchecked("write the token file", path, e);
        }
        count++;
    }

    /** Tokens written so far. */
    public long count() {
        return count;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw AtomicOutput.failedUnchecked("finish the token file", path, e);
        }
    }
}
