package dev.elasticcache.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCardTest {
    @TempDir
    Path dir;

    @Test
    void readsFamiliesAndExamplesAndHintsWithThem() throws Exception {
        Files.writeString(dir.resolve(ModelCard.FILE), """
                {"tasks": "uppercase, query", "examples": {"uppercase": "Uppercase these words: a b"}, "steps": 3}
                """);
        ModelCard card = ModelCard.read(dir);
        assertThat(card.families()).containsExactly("uppercase", "query");
        assertThat(card.examples()).containsEntry("uppercase", "Uppercase these words: a b").hasSize(1);
        assertThat(card.isTaskModel()).isTrue();
        assertThat(card.emptyAnswerHint()).contains("(uppercase, query)").contains("\"Uppercase these words: a b\"");
    }

    @Test
    void aFolderWithoutTrainingJsonIsAGeneralModel() {
        ModelCard card = ModelCard.read(dir);
        assertThat(card).isEqualTo(ModelCard.GENERAL);
        assertThat(card.isTaskModel()).isFalse();
        assertThat(card.emptyAnswerHint()).contains("chat messages").doesNotContain("families");
    }

    @Test
    void aBrokenTrainingJsonNamesTheFile() throws Exception {
        Files.writeString(dir.resolve(ModelCard.FILE), "{\"tasks\": ");
        assertThatThrownBy(() -> ModelCard.read(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.resolve(ModelCard.FILE).toString()).hasMessageContaining("delete it");
    }

    @Test
    void theEmbeddedModelsCardListsItsFamiliesWithAnExampleEach() {
        ModelCard card = EmbeddedModel.card();
        assertThat(card.families()).isNotEmpty().containsAll(card.examples().keySet());
        assertThat(card.examples()).isNotEmpty();
        assertThat(EmbeddedModel.families()).isEqualTo(card.families());
    }
}
