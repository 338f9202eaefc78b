package dev.elasticcache.batch;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.model.ForwardBlocks;
import dev.elasticcache.model.IntraOpThreads;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.Qkv;
import dev.elasticcache.model.TensorOps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stacked row-wise ops give every thread the bits its ops give alone, for any row counts (1-3 row ops
 * included, which libtorch multiplies with another kernel), and a bad op fails only its own thread.
 */
class StepBatcherTest {
    @TempDir
    static Path dir;
    static LladaModel model;
    static BatchedModel batched;

    @BeforeAll
    static void load() {
        LladaConfig config = RandomCheckpoint.tinyConfig().dModel(96).nHeads(4).nLayers(2).mlpHiddenSize(200).build();
        model = LladaModel.load(RandomCheckpoint.write(dir.resolve("m"), config, 23, DType.BF16, 1));
        batched = new BatchedModel(model, Duration.ofSeconds(5), 2);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** One thread's work: random row counts through every row-wise op, bits compared with the unbatched blocks. */
    static int rowsBitForBit(long seed, int passes) {
        Random random = new Random(seed);
        ForwardBlocks alone = model.fused();
        ForwardBlocks together = batched.fused();
        int compared = 0;
        // As the engine's decoding threads do: a fresh thread multiplies alike only once it sets its count.
        IntraOpThreads.set(1);
        batched.batcher().join();
        try (NDManager scope = model.manager().newSubManager()) {
            for (int pass = 0; pass < passes; pass++) {
                int rows = 1 + random.nextInt(random.nextBoolean() ? 3 : 30);
                int[] positions = random.ints(rows, 0, 200).toArray();
                NDList tables = alone.ropeTables(TensorOps.indices(scope, positions));
                NDArray h = scope.randomNormal(new Shape(rows, model.hiddenSize()));
                NDArray context = scope.randomNormal(new Shape(rows, (long) model.heads() * model.headDim()));
                for (int l = 0; l < model.layers(); l++) {
                    Qkv a = alone.project(l, h, tables);
                    Qkv b = together.project(l, h, tables);
                    assertThat(b.q().toFloatArray()).as("q, %d rows", rows).containsExactly(a.q().toFloatArray());
                    assertThat(b.k().toFloatArray()).containsExactly(a.k().toFloatArray());
                    assertThat(b.v().toFloatArray()).containsExactly(a.v().toFloatArray());
                    assertThat(b.q().getManager()).isSameAs(scope);
                    NDArray x = alone.completeBlock(l, h, context);
                    NDArray y = together.completeBlock(l, h, context);
                    assertThat(y.toFloatArray()).as("block, %d rows", rows).containsExactly(x.toFloatArray());
                    h = x;
                }
                assertThat(together.logits(h).toFloatArray()).as("logits, %d rows", rows)
                        .containsExactly(alone.logits(h).toFloatArray());
                compared++;
            }
        } finally {
            batched.batcher().leave();
        }
        return compared;
    }

    @Test
    void stackedOpsAreBitForBitTheOpsAlone() throws Exception {
        BatchStatistics before = batched.batcher().statistics();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> work = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                long seed = t;
                work.add(pool.submit(() -> rowsBitForBit(seed, 25)));
            }
            for (Future<Integer> f : work) {
                assertThat(f.get()).isEqualTo(25);
            }
        } finally {
            pool.shutdownNow();
        }
        BatchStatistics after = batched.batcher().statistics();
        assertThat(after.stackedOps() - before.stackedOps()).isPositive();
        assertThat(after.members()).isZero();
    }

    @Test
    void aBadOpFailsOnlyItsOwnThread() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> good = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                long seed = 100 + t;
                good.add(pool.submit(() -> rowsBitForBit(seed, 10)));
            }
            Future<Throwable> bad = pool.submit(() -> {
                IntraOpThreads.set(1);
                batched.batcher().join();
                try (NDManager scope = model.manager().newSubManager()) {
                    for (int i = 0; i < 10; i++) {
                        // Wrong width: the stacked concat (or the op alone) fails; only this thread sees it.
                        NDArray wrong = scope.randomNormal(new Shape(8, model.hiddenSize() + 1));
                        try {
                            batched.fused().completeBlock(0, wrong, wrong);
                        } catch (RuntimeException e) {
                            if (i == 9) {
                                return e;
                            }
                        }
                    }
                    return null;
                } finally {
                    batched.batcher().leave();
                }
            });
            for (Future<Integer> f : good) {
                assertThat(f.get()).isEqualTo(10);
            }
            assertThat(bad.get()).isNotNull();
        } finally {
            pool.shutdownNow();
        }
    }
}
