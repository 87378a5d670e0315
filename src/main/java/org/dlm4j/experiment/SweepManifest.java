package org.dlm4j.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dlm4j.data.AtomicOutput;
import org.dlm4j.train.AtomicFiles;

/**
 * DIR/sweep.json: the spec of the sweep an output folder holds, so that a second invocation can
 * only continue the same sweep. Seeds are the one field that may change between invocations: a
 * folder's sweep is the grid, and each invocation adds the seeds it runs (the manifest keeps their
 * union, first-seen order). Any other difference is refused before anything is written.
 */
public final class SweepManifest {

    public static final String FILE = "sweep.json";

    private SweepManifest() {
    }

    /**
     * Claims {@code out} for {@code spec}: a new or empty folder gets a manifest; a folder with a
     * manifest of the same grid gets the union of seeds; anything else is a one-line error.
     *
     * @return the spec as recorded, with the union of seeds
     */
    public static SweepSpec claim(Path out, SweepSpec spec) throws IOException {
        Path file = out.resolve(FILE);
        if (Files.isRegularFile(file)) {
            SweepSpec recorded = SweepSpec.fromJson(Files.readString(file), "sweep manifest " + file);
            String difference = gridDifference(recorded, spec);
            if (difference != null) {
                throw new IllegalArgumentException("output folder " + out + " holds a different sweep (" + difference
                        + "); resume it with the same settings or choose another --out");
            }
            Set<Long> seeds = new LinkedHashSet<>(recorded.seeds());
            seeds.addAll(spec.seeds());
            SweepSpec merged = recorded.withSeeds(List.copyOf(seeds));
            if (!merged.seeds().equals(recorded.seeds())) {
                AtomicFiles.writeString(file, merged.toJson());
            }
            return merged;
        }
        if (!isEmptyFolder(out)) {
            throw new IllegalArgumentException("output folder " + out + " is not empty and holds no " + FILE
                    + "; choose a new or empty folder");
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw AtomicOutput.failed("create the output folder", out, e);
        }
        AtomicFiles.writeString(file, spec.toJson());
        return spec;
    }

    /** The first field (other than seeds) where the two grids differ, as "field: a vs b", or null. */
    static String gridDifference(SweepSpec recorded, SweepSpec requested) {
        ObjectNode a = (ObjectNode) recorded.toTree();
        ObjectNode b = (ObjectNode) requested.toTree();
        a.remove("seeds");
        b.remove("seeds");
        return difference("", a, b);
    }

    private static String difference(String path, JsonNode a, JsonNode b) {
        if (a.isObject() && b.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String here = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                JsonNode other = b.get(field.getKey());
                String found = other == null ? here + ": " + field.getValue() + " vs (absent)"
                        : difference(here, field.getValue(), other);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        return a.equals(b) ? null : path + ": recorded " + a + ", requested " + b;
    }

    private static boolean isEmptyFolder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return true;
        }
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("output " + folder + " is a file, not a folder");
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            return !entries.iterator().hasNext();
        }
    }
}
