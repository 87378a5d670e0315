package org.dlm4j.train;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializerBase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

import org.dlm4j.data.AtomicOutput;
import org.dlm4j.data.InputPaths;
import org.dlm4j.data.Json;
import org.dlm4j.model.PositionEncoding;

/**
 * {@link TrainConfig} as JSON with snake_case keys, nested as the records are:
 * <pre>{@code
 * {"objective": "ar", "objective_options": {...}, "model": {"vocab_size": 258, "context_length": 64,
 *  "d_model": 128, ...}, "batch_size": 16, "steps": 600, "lr": 0.001, ...}
 * }</pre>
 *
 * <p>Overrides (a {@code --config FILE}, or the options given on the command line) are partial
 * JSON objects merged key by key into a full config: {@code {"model": {"d_model": 64}}} changes one
 * field and keeps the rest. An unknown key is an error naming it, so a typo never goes unnoticed.
 *
 * <p>The model's position encoding is {@code "positions": "learned"} or {@code "rope"}; a model
 * object without the key (files written before it existed) loads as {@code learned}.
 */
public final class TrainConfigJson {

    static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // "steps": 3.7 is an error, not 3
            .enable(SerializationFeature.INDENT_OUTPUT)
            .addModule(positionNames())
            .build();

    private TrainConfigJson() {
    }

    /** {@link PositionEncoding} as its lower-case config name ("learned", "rope") both ways. */
    private static SimpleModule positionNames() {
        SimpleModule module = new SimpleModule("position-encoding-names");
        module.addSerializer(PositionEncoding.class, new ToStringSerializerBase(PositionEncoding.class) {
            @Override
            public String valueToString(Object value) {
                return ((PositionEncoding) value).configName();
            }
        });
        module.addDeserializer(PositionEncoding.class, new FromStringDeserializer<>(PositionEncoding.class) {
            @Override
            protected PositionEncoding _deserialize(String value, DeserializationContext context) {
                return PositionEncoding.fromConfigName(value);
            }
        });
        return module;
    }

    /** The config as a JSON tree. */
    public static ObjectNode toTree(TrainConfig config) {
        return JSON.valueToTree(config);
    }

    /** The config as indented JSON text. */
    public static String toJson(TrainConfig config) {
        try {
            return JSON.writeValueAsString(config);
        } catch (JacksonException e) {
            throw new IllegalStateException("config cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A config from a complete JSON tree; {@code source} names it in error messages. */
    public static TrainConfig fromTree(JsonNode tree, String source) {
        try {
            return JSON.treeToValue(tree, TrainConfig.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(source + ": " + reason(e));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + rootMessage(e));
        }
    }

    /** {@code base} with every key of {@code overrides} (a partial config tree) replaced. */
    public static TrainConfig merge(TrainConfig base, JsonNode overrides, String source) {
        if (!overrides.isObject()) {
            throw new IllegalArgumentException(source + ": the config must be a JSON object");
        }
        ObjectNode tree = toTree(base);
        mergeInto(tree, (ObjectNode) overrides);
        return fromTree(tree, source);
    }

    /** Reads a partial config file (a JSON object) as a tree. */
    public static JsonNode readOverrides(Path file) {
        InputPaths.requireFile(file, "config file");
        try {
            JsonNode tree = JSON.readTree(Files.readString(file));
            if (tree == null || !tree.isObject()) {
                throw new IllegalArgumentException("config file " + file + " must hold a JSON object");
            }
            return tree;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("config file " + file + " does not exist");
        } catch (JacksonException e) {
            throw new IllegalArgumentException("config file " + file + " is not valid JSON: " + reason(e));
        } catch (IOException e) {
            throw AtomicOutput.failedUnchecked("read the config file", file, e);
        }
    }

    /**
     * The first field where {@code a} and {@code b} differ, as {@code "model.d_model: 128 vs 64"},
     * or null when they are equal.
     */
    public static String firstDifference(TrainConfig a, TrainConfig b) {
        return firstDifference("", toTree(a), toTree(b));
    }

    private static String firstDifference(String path, JsonNode a, JsonNode b) {
        if (a.isObject() && b.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode other = b.get(field.getKey());
                String here = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (other == null) {
                    return here + ": " + field.getValue() + " vs (absent)";
                }
                String difference = firstDifference(here, field.getValue(), other);
                if (difference != null) {
                    return difference;
                }
            }
            for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (a.get(name) == null) {
                    return (path.isEmpty() ? name : path + "." + name) + ": (absent) vs " + b.get(name);
                }
            }
            return null;
        }
        return a.equals(b) ? null : path + ": " + a + " vs " + b;
    }

    /** Replaces every key of {@code overrides} (a partial config tree) in {@code target}, nested objects key by key. */
    public static void mergeInto(ObjectNode target, ObjectNode overrides) {
        for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode existing = target.get(field.getKey());
            if (existing != null && existing.isObject() && field.getValue().isObject()) {
                mergeInto((ObjectNode) existing, (ObjectNode) field.getValue());
            } else {
                target.set(field.getKey(), field.getValue());
            }
        }
    }

    /** Jackson's message cut to its first line, with the offending key path when known. */
    private static String reason(JacksonException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException illegal) {
            return rootMessage(illegal);
        }
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException unknown) {
            String at = Json.oneLineAt(unknown);
            return "unknown key '" + unknown.getPropertyName() + "'" + at.substring(Json.oneLine(unknown).length());
        }
        return Json.oneLineAt(e);
    }

    private static String rootMessage(Throwable e) {
        Throwable deepest = e;
        while (deepest.getCause() != null && deepest.getCause().getMessage() != null) {
            deepest = deepest.getCause();
        }
        return String.valueOf(deepest.getMessage()).lines().findFirst().orElse("");
    }
}
