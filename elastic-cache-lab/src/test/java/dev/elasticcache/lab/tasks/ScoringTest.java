package dev.elasticcache.lab.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScoringTest {

    @Test
    void exactMatchIgnoresOnlySurroundingWhitespace() {
        assertThat(Scoring.exactMatch("18, 53, 71", "18, 53, 71")).isTrue();
        assertThat(Scoring.exactMatch("18, 53, 71", " 18, 53, 71\n")).isTrue();
        assertThat(Scoring.exactMatch("18, 53, 71", "18,53,71")).isFalse();
        assertThat(Scoring.exactMatch("CAT", "cat")).isFalse();
        assertThat(Scoring.exactMatch("a b", "a b c")).isFalse();
        assertThat(Scoring.exactMatch("a", "")).isFalse();
        assertThat(Scoring.exactMatch("a", null)).isFalse();
    }

    @Test
    void answerIdsStopAtTheFirstTerminator() {
        assertThat(Scoring.answerIds(new int[] {5, 6, 261, 257, 257}, 257, 261, 258)).containsExactly(5, 6);
        assertThat(Scoring.answerIds(new int[] {5, 258, 7}, 257, 261, 258)).containsExactly(5);
        assertThat(Scoring.answerIds(new int[] {5, 6, 7}, 257)).containsExactly(5, 6, 7);
        assertThat(Scoring.answerIds(new int[] {257, 6}, 257)).isEmpty();
    }

    @Test
    void characterAccuracyCountsSameIndexCharactersOverTheLongerText() {
        assertThat(Scoring.characterAccuracy("ABCD", " ABCD ")).isEqualTo(1.0);
        assertThat(Scoring.characterAccuracy("ABCD", "ABXD")).isEqualTo(0.75);
        assertThat(Scoring.characterAccuracy("ABCD", "AB")).isEqualTo(0.5);
        assertThat(Scoring.characterAccuracy("AB", "ABCD")).isEqualTo(0.5);
        assertThat(Scoring.characterAccuracy("AB", null)).isEqualTo(0.0);
    }
}
