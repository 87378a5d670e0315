/**
 * The TornadoVM engine: the transformer's training step as a fixed schedule of device kernels
 * (as llm.c does it, not the autograd tape), with parameters, gradients and AdamW moments kept in
 * flat device buffers. Built only with {@code -Ptornado}; the core finds it through
 * {@link org.dlm4j.device.Devices} and never imports this package.
 *
 * <p>Every kernel here has a CPU twin in {@code org.dlm4j.kernels} and a test against it on the
 * device. Kernels are plain static methods: {@code @Parallel} loops where each output element is
 * computed by one work-item in a fixed order (so results do not depend on the grid), and
 * {@link uk.ac.manchester.tornado.api.KernelContext} kernels where work-items cooperate through local
 * memory (tiled matrix products, two-pass reductions). There are no float atomics: every gradient
 * element is written by exactly one work-item.
 */
package org.dlm4j.tornado;
