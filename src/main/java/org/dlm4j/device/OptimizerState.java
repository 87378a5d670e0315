package org.dlm4j.device;

import java.util.Map;

/**
 * AdamW's state by parameter name: the first and second moments (live arrays of the CPU optimizer, so
 * {@link DeviceTrainer#copyTo} can fill them for a checkpoint) and the number of updates applied.
 */
public record OptimizerState(Map<String, float[]> firstMoments, Map<String, float[]> secondMoments, long stepCount) {
}
