package org.dlm4j.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ObjectivesTest {

    @Test
    void createsObjectivesByName() {
        ObjectiveOptions options = ObjectiveOptions.defaults(257);
        Objective ar = Objectives.create("ar", options.withInputMaskRatio(0.1));
        assertThat(ar).isInstanceOf(Autoregressive.class);
        assertThat(ar.name()).isEqualTo("ar");
        assertThat(ar.causal()).isTrue();
        assertThat(((Autoregressive) ar).inputMaskRatio()).isEqualTo(0.1);

        Objective diffusion = Objectives.create("diffusion", options.withVariant("llada"));
        assertThat(diffusion).isInstanceOf(MaskedDiffusion.class);
        assertThat(diffusion.name()).isEqualTo("diffusion");
        assertThat(diffusion.causal()).isFalse();
        assertThat(((MaskedDiffusion) diffusion).variant()).isEqualTo(DiffusionVariant.LLADA);
        assertThat(((MaskedDiffusion) diffusion).maskId()).isEqualTo(257);
    }

    @Test
    void defaults() {
        ObjectiveOptions options = ObjectiveOptions.defaults(5);
        assertThat(options).isEqualTo(new ObjectiveOptions(5, 0, "paper", false, 0));
        assertThat(options.withStratified(true).stratified()).isTrue();
        assertThat(options.withRandomLengthFraction(0.01).randomLengthFraction()).isEqualTo(0.01);
        assertThat(Objectives.create("ar", ObjectiveOptions.defaults(ObjectiveOptions.NO_MASK)).name()).isEqualTo("ar");
    }

    @Test
    void unknownNamesListTheValidOnes() {
        assertThatThrownBy(() -> Objectives.create("bert", ObjectiveOptions.defaults(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown objective 'bert'; valid objectives: ar, diffusion");
        assertThatThrownBy(() -> ObjectiveOptions.defaults(5).withVariant("sedd"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown diffusion variant 'sedd'; valid variants: paper, llada, llada-eval, mdlm, masked-mean");
    }

    @Test
    void badOptionsAreRejected() {
        assertThatThrownBy(() -> ObjectiveOptions.defaults(5).withInputMaskRatio(1.0))
                .hasMessageContaining("inputMaskRatio must be in [0, 1)");
        assertThatThrownBy(() -> ObjectiveOptions.defaults(ObjectiveOptions.NO_MASK).withInputMaskRatio(0.1))
                .hasMessageContaining("needs a maskId");
        assertThatThrownBy(() -> ObjectiveOptions.defaults(5).withRandomLengthFraction(-0.1))
                .hasMessageContaining("randomLengthFraction must be in [0, 1]");
        assertThatThrownBy(() -> ObjectiveOptions.defaults(-2)).hasMessageContaining("maskId must be");
        assertThatThrownBy(() -> Objectives.create("diffusion", ObjectiveOptions.defaults(ObjectiveOptions.NO_MASK)))
                .hasMessageContaining("needs a mask id");
    }
}
