package dev.elasticcache.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.checkpoint.RandomDreamCheckpoint;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The family-neutral surface the decoders use reads each family's own config facts. */
class DiffusionModelTest {

    @TempDir
    Path dir;

    @Test
    void lladaIsUnshiftedAndReportsItsConfig() {
        LladaConfig c = RandomCheckpoint.tinyConfig().nKvHeads(2).build();
        try (DiffusionModel m = LladaModel.load(RandomCheckpoint.write(dir.resolve("l"), c, 3, DType.F32, 1))) {
            assertThat(m.family()).isEqualTo(ModelFamily.LLADA);
            assertThat(m.logitsShift()).isFalse();
            assertThat(new int[] {m.layers(), m.heads(), m.kvHeads(), m.headDim(), m.hiddenSize(), m.mlpHiddenSize(),
                    m.logitsWidth(), m.maskTokenId(), m.eosTokenId(), m.maxLength()})
                    .containsExactly(c.nLayers(), c.nHeads(), c.nKvHeads(), c.headDim(), c.dModel(), c.mlpHiddenSize(),
                            c.embeddingSize(), c.maskTokenId(), c.eosTokenId(), c.maxSequenceLength());
            assertThat(m.fused()).isSameAs(((LladaModel) m).fused());
        }
    }

    @Test
    void dreamIsShiftedAndReportsItsConfig() {
        DreamConfig c = RandomDreamCheckpoint.tinyConfig().build();
        try (DiffusionModel m = DreamModel.load(RandomDreamCheckpoint.write(dir.resolve("d"), c, 3, DType.F32, 1))) {
            assertThat(m.family()).isEqualTo(ModelFamily.DREAM);
            assertThat(m.logitsShift()).isTrue();
            assertThat(new int[] {m.layers(), m.heads(), m.kvHeads(), m.headDim(), m.hiddenSize(), m.mlpHiddenSize(),
                    m.logitsWidth(), m.maskTokenId(), m.eosTokenId(), m.maxLength()})
                    .containsExactly(c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(),
                            c.hiddenSize(), c.intermediateSize(), c.vocabSize(), c.maskTokenId(), c.eosTokenId(),
                            Math.min(DreamModel.DEFAULT_MAX_CONTEXT, c.maxPositionEmbeddings()));
            assertThat(m.fused()).isSameAs(m);
        }
    }
}
