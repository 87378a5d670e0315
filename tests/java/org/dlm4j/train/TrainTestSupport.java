package org.dlm4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.dlm4j.model.PositionEncoding;
import org.dlm4j.model.TransformerConfig;
import org.dlm4j.objective.ObjectiveOptions;

/** Small configs and metrics helpers shared by the train tests. */
final class TrainTestSupport {

    /** The committed byte dataset (tests run in the project folder). */
    static final Path TINY_DATA = Path.of("tiny-data/bytes");

    private TrainTestSupport() {
    }

    /** A model of a few thousand parameters: C 16, 1 layer, 2 heads, T 16; B 4; 8 steps, checkpoint every 3. */
    static TrainConfig micro(String objective) {
        TransformerConfig model = new TransformerConfig(258, 16, 16, 1, 2, 2, 0f, true, true, false,
                PositionEncoding.LEARNED);
        return new TrainConfig(objective, ObjectiveOptions.defaults(257), model, 4, 8, 512, 3e-3, 3e-4, 2,
                TrainConfig.COSINE, 0.2, 0.1, 0.9, 0.99, 1e-8, 1.0, 4, 2, 3, 7);
    }

    /** The given key of every record that has it, in file order. */
    static List<Double> column(Path metrics, String key) throws IOException {
        List<Double> values = new ArrayList<>();
        for (Map<String, Object> record : MetricsLog.read(metrics)) {
            if (record.get(key) instanceof Number number) {
                values.add(number.doubleValue());
            }
        }
        return values;
    }
}
