package dev.elasticcache.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.checkpoint.CheckpointException;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomDreamCheckpoint;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.model.DreamConfig;
import dev.elasticcache.model.DreamModel;
import dev.elasticcache.model.DreamTensorLayout;
import dev.elasticcache.model.ModelFamily;
import dev.elasticcache.tokenizer.ChatMessage;
import dev.elasticcache.tokenizer.DreamTokenizerFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine on a Dream folder: a random Dream checkpoint whose head is wider than its tokenizer (300 logits, 272
 * ids), the tiny Qwen2-style tokenizer of {@link DreamTokenizerFiles} and a ChatML chat_template.
 */
class DreamEngineTest {

    @TempDir
    static Path dir;

    static Path folder;
    static ElasticCacheEngine engine;

    /** The tiny config with the tokenizer's special ids; 28 head rows past the tokenizer's last id. */
    static DreamConfig config() {
        return configBuilder().build();
    }

    static DreamConfig.Builder configBuilder() {
        return RandomDreamCheckpoint.tinyConfig().maskTokenId(DreamTokenizerFiles.MASK)
                .eosTokenId(DreamTokenizerFiles.ENDOFTEXT).padTokenId(DreamTokenizerFiles.ENDOFTEXT)
                .bosTokenId(DreamTokenizerFiles.ENDOFTEXT);
    }

    /** A Dream folder with tokenizer.json, tokenizer_config.json (ChatML chat_template) and random weights. */
    public static Path writeDreamFolder(Path target, DreamConfig config, Map<String, float[]> weights) throws IOException {
        RandomDreamCheckpoint.write(target, config, weights, DType.F32, 1);
        DreamTokenizerFiles.writeTokenizerJson(target, DreamTokenizerFiles.CHATML_TEMPLATE);
        return target;
    }

    @BeforeAll
    static void load() throws IOException {
        folder = writeDreamFolder(dir.resolve("dream"), config(), RandomDreamCheckpoint.weights(config(), 5));
        engine = ElasticCacheEngine.load(EngineConfig.builder().modelDir(folder).build());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static GenerationRequest chat(String content, Strategy strategy) {
        return GenerationRequest.builder().messages(List.of(ChatMessage.user(content))).trace(true)
                .options(DecodingOptions.builder().strategy(strategy).genLength(16).blockLength(8).windowLength(6)
                        .threshold(strategy == Strategy.LLADA ? null : 0.5).build())
                .build();
    }

    @Test
    void aDreamFolderLoadsAsDream() {
        assertThat(engine.family()).isEqualTo(ModelFamily.DREAM);
        assertThat(engine.modelInfo().family()).isEqualTo(ModelFamily.DREAM);
        assertThat(engine.diffusionModel()).isInstanceOf(DreamModel.class);
        assertThat(engine.dreamTokenizer()).isPresent();
        assertThat(engine.textTokenizer().vocabSize()).isEqualTo(DreamTokenizerFiles.MASK + 1);
        assertThatThrownBy(engine::tokenizer).isInstanceOf(IllegalStateException.class).hasMessageContaining("Dream");
        assertThatThrownBy(engine::model).isInstanceOf(IllegalStateException.class).hasMessageContaining("Dream");
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void everyStrategyAnswersAChatPromptRenderedByTheChatTemplate(Strategy strategy) {
        GenerationResult r = engine.generate(chat("hello world", strategy));
        String rendered = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nhello world"
                + "<|im_end|>\n<|im_start|>assistant\n";
        assertThat(r.promptIds()).containsExactly(engine.textTokenizer().encode(rendered));
        assertThat(r.stats().strategy()).isEqualTo(strategy);
        assertThat(r.stats().nfe()).isPositive();
        int[] answer = Arrays.copyOfRange(r.sequence(), r.promptIds().length, r.sequence().length);
        // The head has 300 rows, the tokenizer 272 ids: padding ids are never emitted (mask only where undecoded).
        assertThat(Arrays.stream(answer).max().orElseThrow()).isLessThan(engine.textTokenizer().vocabSize());
        assertThat(r.trace()).isNotEmpty();
    }

    @Test
    void answersEndAtImEndAndAtEndOfText() throws IOException {
        // A head that knows only <|im_end|> and one letter (antipodal rows; the seeds are those of the EOS-heavy
        // decoder fixture, whose hidden states give a mix of both): the answer stops at the first <|im_end|>.
        DreamConfig c = config();
        Map<String, float[]> w = RandomDreamCheckpoint.weights(c, 41);
        float[] head = w.get(DreamTensorLayout.HEAD);
        Arrays.fill(head, 0f);
        Random random = new Random(43);
        int d = c.hiddenSize();
        int letter = dev.elasticcache.tokenizer.TinyTokenizerFiles.byteToId('a');
        for (int i = 0; i < d; i++) {
            float v = (float) (3 * random.nextGaussian());
            head[DreamTokenizerFiles.IM_END * d + i] = v;
            head[letter * d + i] = -v;
        }
        Path imEnd = writeDreamFolder(dir.resolve("im-end"), c, w);
        try (ElasticCacheEngine e = ElasticCacheEngine.load(EngineConfig.builder().modelDir(imEnd).build())) {
            GenerationResult r = e.generate(chat("hello", Strategy.FAST_DLLM));
            int p = r.promptIds().length;
            int stop = p;
            while (stop < r.sequence().length && r.sequence()[stop] != DreamTokenizerFiles.IM_END
                    && r.sequence()[stop] != DreamTokenizerFiles.ENDOFTEXT) {
                stop++;
            }
            assertThat(stop).as("the model emits <|im_end|> before the end: %s", Arrays.toString(r.sequence())).isLessThan(r.sequence().length);
            assertThat(r.stats().answerTokens()).isEqualTo(stop - p);
            assertThat(r.text()).isEqualTo(e.textTokenizer().decode(Arrays.copyOfRange(r.sequence(), p, stop)));
            assertThat(r.text()).doesNotContain("<|im_end|>");
        }
    }

    @Test
    void badInputIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> engine.generate(GenerationRequest.builder().text("x <|mask|>").build()))
                .hasMessageContaining("mask token <|mask|>");
        assertThatThrownBy(() -> engine.generate(GenerationRequest.builder().promptIds(new int[] {1, 280}).build()))
                .hasMessageContaining("outside the vocabulary");
        assertThat(engine.generate(GenerationRequest.builder().text("hello")
                .options(DecodingOptions.builder().genLength(8).windowLength(4).build()).build()).stats().nfe()).isPositive();
    }

    @Test
    void mismatchedIdsAndUnknownFamiliesFailNamingTheFile() throws IOException {
        DreamConfig wrongMask = RandomDreamCheckpoint.tinyConfig().eosTokenId(DreamTokenizerFiles.ENDOFTEXT).build();
        Path mask = writeDreamFolder(dir.resolve("wrong-mask"), wrongMask, RandomDreamCheckpoint.weights(wrongMask, 1));
        assertThatThrownBy(() -> ElasticCacheEngine.load(EngineConfig.builder().modelDir(mask).build()))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("config.json")
                .hasMessageContaining("mask_token_id 299");
        DreamConfig wrongEos = RandomDreamCheckpoint.tinyConfig().maskTokenId(DreamTokenizerFiles.MASK).build();
        Path eos = writeDreamFolder(dir.resolve("wrong-eos"), wrongEos, RandomDreamCheckpoint.weights(wrongEos, 1));
        assertThatThrownBy(() -> ElasticCacheEngine.load(EngineConfig.builder().modelDir(eos).build()))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("eos_token_id 296");

        Path unknown = Files.createDirectories(dir.resolve("gpt2"));
        Files.writeString(unknown.resolve("config.json"), "{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"]}");
        assertThatThrownBy(() -> ElasticCacheEngine.load(EngineConfig.builder().modelDir(unknown).build()))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("config.json")
                .hasMessageContaining("gpt2").hasMessageContaining("LLaDA").hasMessageContaining("Dream");
    }
}
