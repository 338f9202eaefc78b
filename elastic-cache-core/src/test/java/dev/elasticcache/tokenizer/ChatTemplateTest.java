package dev.elasticcache.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {

    private final ChatTemplate t = ChatTemplate.llada();

    @Test
    void singleUser() {
        assertThat(t.render(List.of(ChatMessage.user("What is 2+2?")))).isEqualTo(
                "<|startoftext|><|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void systemAndUser() {
        assertThat(t.render(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")))).isEqualTo(
                "<|startoftext|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void multiTurnWithAssistantTurns() {
        assertThat(t.render(List.of(ChatMessage.user("A"), ChatMessage.assistant("B"), ChatMessage.user("C")))).isEqualTo(
                "<|startoftext|><|start_header_id|>user<|end_header_id|>\n\nA<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\nB<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nC<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void stripsLeadingAndTrailingWhitespaceOnly() {
        assertThat(t.render(List.of(ChatMessage.user(" \n\t Hello\n\n  world \u00a0\u3000\r\n")))).isEqualTo(
                "<|startoftext|><|start_header_id|>user<|end_header_id|>\n\nHello\n\n  world<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        assertThat(ChatTemplate.strip("\u0085x\u2028")).isEqualTo("x");
        assertThat(ChatTemplate.strip("   ")).isEmpty();
    }

    @Test
    void noMessagesStillEndsWithAssistantHeader() {
        assertThat(t.render(List.of())).isEqualTo("<|startoftext|><|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void bosComesFromConfig() {
        assertThat(t.withBos("<s>").render(List.of(ChatMessage.user("x")))).startsWith("<s><|start_header_id|>user");
        assertThat(ChatMessage.Role.ASSISTANT.templateName()).isEqualTo("assistant");
    }
}
