package dev.elasticcache.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LladaTensorLayoutTest {

    @Test
    void namesAndShapesFollowTheHfLayout() {
        LladaConfig c = LladaConfig.builder().dModel(16).nHeads(4).nKvHeads(2).nLayers(2).mlpHiddenSize(24)
                .vocabSize(30).embeddingSize(32).maskTokenId(29).eosTokenId(28).build();
        Map<String, long[]> s = LladaTensorLayout.expectedShapes(c);
        assertThat(s).hasSize(3 + 2 * 9);
        assertThat(s.get("model.transformer.wte.weight")).containsExactly(32, 16);
        assertThat(s.get("model.transformer.ln_f.weight")).containsExactly(16);
        assertThat(s.get("model.transformer.ff_out.weight")).containsExactly(32, 16);
        assertThat(s.get("model.transformer.blocks.1.q_proj.weight")).containsExactly(16, 16);
        assertThat(s.get("model.transformer.blocks.1.k_proj.weight")).containsExactly(8, 16);
        assertThat(s.get("model.transformer.blocks.1.v_proj.weight")).containsExactly(8, 16);
        assertThat(s.get("model.transformer.blocks.0.attn_out.weight")).containsExactly(16, 16);
        assertThat(s.get("model.transformer.blocks.0.ff_proj.weight")).containsExactly(24, 16);
        assertThat(s.get("model.transformer.blocks.0.up_proj.weight")).containsExactly(24, 16);
        assertThat(s.get("model.transformer.blocks.0.ff_out.weight")).containsExactly(16, 24);
        assertThat(s.get("model.transformer.blocks.0.attn_norm.weight")).containsExactly(16);
        assertThat(s.get("model.transformer.blocks.0.ff_norm.weight")).containsExactly(16);
        assertThat(LladaTensorLayout.blockPrefix(3)).isEqualTo("model.transformer.blocks.3.");

        LladaConfig tied = LladaConfig.builder().dModel(16).nHeads(4).nLayers(1).mlpHiddenSize(24).vocabSize(30)
                .maskTokenId(29).eosTokenId(28).weightTying(true).build();
        assertThat(LladaTensorLayout.expectedShapes(tied)).doesNotContainKey("model.transformer.ff_out.weight").hasSize(11);
    }
}
