/**
 * Neural-network building blocks on top of {@code org.dlm4j.tensor}: {@link org.dlm4j.nn.Module}
 * (parameters and children by name, train/eval mode), {@link org.dlm4j.nn.Parameter}, and the
 * layers of a GPT-2 style transformer (Linear, Embedding, LayerNorm, MLP, SelfAttention, Block,
 * Dropout). Parameter names and layouts match PyTorch's, so checkpoints interchange.
 */
package org.dlm4j.nn;
