package org.dlm4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.dlm4j.kernels.Rng;
import org.junit.jupiter.api.Test;

class ModuleTest {

    @Test
    void blockParameterNamesFollowTheCheckpointContract() {
        Block block = new Block(new Block.Config(8, 2, 4, true, false, true, 0f, 2), new Rng(1));
        assertThat(block.namedParameters().keySet()).containsExactly(
                "ln1.weight", "ln1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight", "attn.proj.bias",
                "ln2.weight", "ln2.bias", "mlp.fc.weight", "mlp.fc.bias", "mlp.proj.weight", "mlp.proj.bias");
        assertThat(block.namedParameters().get("attn.qkv.weight").shape()).containsExactly(24, 8);
        assertThat(block.namedParameters().get("mlp.fc.weight").shape()).containsExactly(32, 8);
        assertThat(block.namedParameters().get("mlp.proj.weight").shape()).containsExactly(8, 32);
        assertThat(block.numParameters()).isEqualTo(4 * 8 + (24 * 8 + 24) + (8 * 8 + 8) + (32 * 8 + 32) + (8 * 32 + 8));
        Block noBias = new Block(new Block.Config(8, 2, 4, true, false, false, 0f, 2), new Rng(1));
        assertThat(noBias.namedParameters().keySet()).containsExactly(
                "ln1.weight", "attn.qkv.weight", "attn.proj.weight", "ln2.weight", "mlp.fc.weight", "mlp.proj.weight");
    }

    @Test
    void moduleListNamesChildrenByIndex() {
        ModuleList<LayerNorm> list = new ModuleList<>();
        list.add(new LayerNorm(3, true));
        list.add(new LayerNorm(3, false));
        assertThat(list.namedParameters().keySet()).containsExactly("0.weight", "0.bias", "1.weight");
        assertThat(list.size()).isEqualTo(2);
        assertThat(list.get(1).namedParameters()).hasSize(1);
    }

    @Test
    void trainModeReachesEveryChild() {
        ModuleList<Block> blocks = new ModuleList<>();
        Block block = blocks.add(new Block(new Block.Config(4, 1, 2, false, false, true, 0.1f, 1), new Rng(2)));
        assertThat(block.isTraining()).isTrue();
        blocks.train(false);
        assertThat(block.isTraining()).isFalse();
        assertThat(block.attention().isTraining()).isFalse();
        blocks.train(true);
        assertThat(block.attention().isTraining()).isTrue();
    }

    @Test
    void registrationRejectsBadOrDuplicateNames() {
        assertThatThrownBy(() -> new Module() {
            {
                parameter("w", Parameter.filled(0f, 2));
                parameter("w", Parameter.filled(0f, 2));
            }
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'w' is already registered");
        assertThatThrownBy(() -> new Module() {
            {
                parameter("a.b", Parameter.filled(0f, 2));
            }
        }).hasMessageContaining("without dots");
    }

    @Test
    void aTiedParameterIsListedOnceUnderItsFirstName() {
        Parameter shared = Parameter.filled(1f, 2, 2);
        Module tied = new Module() {
            {
                parameter("first", shared);
                parameter("second", shared);
                parameter("own", Parameter.filled(0f, 2));
            }
        };
        assertThat(tied.namedParameters().keySet()).containsExactly("first", "own");
    }

    @Test
    void zeroGradClearsEveryParameter() {
        Linear linear = new Linear(3, 2, true, new Rng(3));
        linear.forward(org.dlm4j.tensor.Tensor.zeros(1, 3)).sum().backward();
        assertThat(linear.bias().grad()).containsExactly(1f, 1f);
        linear.zeroGrad();
        assertThat(linear.weight().grad()).isNull();
        assertThat(linear.bias().grad()).isNull();
    }
}
