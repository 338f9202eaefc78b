package dev.elasticcache.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A call's arguments are one JSON object, whichever door the conversation came through. */
class ToolCallTest {

    @Test
    void argumentsThatAreNotAJsonObjectAreRefusedNamingTheToolAndTheCall() {
        for (String bad : new String[] {"Oslo", "[1]", "\"x\"", "{\"city\":", "3"}) {
            assertThatThrownBy(() -> new ToolCall("call_1", "get_weather", bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'get_weather'").hasMessageContaining("call_1").hasMessageContaining("not a JSON object");
        }
        assertThat(new ToolCall("call_1", "get_weather", " ").arguments()).isEqualTo("{}");
        assertThat(new ToolCall("call_1", "get_weather", null).arguments()).isEqualTo("{}");
        assertThat(new ToolCall("c", "convert", "{\"amount\":12}").text())
                .isEqualTo("<tool_call>{\"name\":\"convert\",\"arguments\":{\"amount\":12}}</tool_call>");
    }
}
