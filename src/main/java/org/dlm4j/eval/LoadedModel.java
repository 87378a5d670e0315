package org.dlm4j.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.dlm4j.data.InputPaths;
import org.dlm4j.kernels.Rng;
import org.dlm4j.model.Transformer;
import org.dlm4j.objective.Objective;
import org.dlm4j.objective.Objectives;
import org.dlm4j.train.Checkpoint;
import org.dlm4j.train.TrainConfig;

/**
 * A trained model read back from a checkpoint, ready to evaluate: the {@link Transformer} (in
 * evaluation mode) with the checkpoint's weights, the {@link Objective} it was trained with, and the
 * checkpoint's state (config, step, which data).
 */
public record LoadedModel(Transformer model, Objective objective, Checkpoint.State state, Path folder) {

    /**
     * Loads from a run folder (holding {@code checkpoint/}) or from the checkpoint folder itself
     * (holding {@code state.json}); a missing or incomplete checkpoint is a one-line error.
     */
    public static LoadedModel load(Path path) throws IOException {
        Path run = path;
        if (Files.isRegularFile(path.resolve(Checkpoint.STATE_FILE))) {
            Path parent = path.toAbsolutePath().getParent();
            if (parent == null || !path.getFileName().toString().equals(Checkpoint.FOLDER)) {
                throw new IllegalArgumentException("checkpoint folder " + path + " must be named '"
                        + Checkpoint.FOLDER + "' inside its run folder; pass the run folder with --run");
            }
            run = parent;
        } else if (!Checkpoint.exists(InputPaths.requireFolder(path, "checkpoint", ""))) {
            throw new IllegalArgumentException("no checkpoint in " + path + " (expected " + Checkpoint.STATE_FILE
                    + " there or a " + Checkpoint.FOLDER + "/ folder)");
        }
        Checkpoint.Loaded loaded = Checkpoint.load(run);
        TrainConfig config = loaded.state().config();
        var model = new Transformer(config.model(), new Rng(config.seed()));
        loaded.restoreWeights(model);
        model.train(false);
        Objective objective = Objectives.create(config.objective(), config.objectiveOptions());
        return new LoadedModel(model, objective, loaded.state(), loaded.folder());
    }
}
