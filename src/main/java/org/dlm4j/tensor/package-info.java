/**
 * Tensors and reverse-mode autograd. {@link org.dlm4j.tensor.Tensor} holds the shape, the data, the
 * gradient and the graph; the ops live in small files by family ({@code ElementwiseOps},
 * {@code ReductionOps}, {@code ShapeOps}, {@code MatmulOp}, {@code NeuralOps}) and the fused ones
 * call {@code org.dlm4j.kernels}. Leaf gradients accumulate across backward passes until
 * {@code zeroGrad()}; intermediate gradients are rebuilt on every pass. A
 * {@link org.dlm4j.tensor.Workspace} scope around a training step lets ops reuse the previous step's
 * arrays instead of allocating new ones.
 */
package org.dlm4j.tensor;
