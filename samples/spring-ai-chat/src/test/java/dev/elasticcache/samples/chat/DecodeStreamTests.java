package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code POST /api/decode/stream}: the events of the decoding view. */
class DecodeStreamTests extends AppTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A prompt of the embedded model's uppercase family (the random model answers something for it too). */
    static final String UPPERCASE = "Uppercase these words: robot flame heart queen";

    /** The parsed events of one run. */
    record Run(JsonNode start, List<JsonNode> steps, JsonNode done) {

        int layers() {
            return start.get("layers").asInt();
        }

        /** Every decoded answer-relative position, in step order. */
        List<Integer> positions() {
            List<Integer> all = new ArrayList<>();
            for (JsonNode step : steps) {
                step.get("positions").valueStream().forEach(p -> all.add(p.asInt()));
            }
            return all;
        }
    }

    Run decode(String body) throws Exception {
        HttpResponse<String> response = postJson("/api/decode/stream", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        List<Sse.Event> events = Sse.parse(response.body());
        assertThat(events).hasSizeGreaterThanOrEqualTo(3);
        assertThat(events.get(0).name()).isEqualTo("start");
        assertThat(events.get(events.size() - 1).name()).isEqualTo("done");
        List<JsonNode> steps = new ArrayList<>();
        for (Sse.Event e : events.subList(1, events.size() - 1)) {
            assertThat(e.name()).isEqualTo("step");
            steps.add(JSON.readTree(e.data()));
        }
        return new Run(JSON.readTree(events.get(0).data()), steps, JSON.readTree(events.get(events.size() - 1).data()));
    }

    @Test
    void elasticStreamsOneEventPerStepCoveringTheAnswerOnce() throws Exception {
        Run run = decode("{\"message\":\"" + UPPERCASE + "\",\"strategy\":\"elastic\",\"maxTokens\":32}");

        JsonNode start = run.start();
        assertThat(start.get("strategy").asString()).isEqualTo("elastic");
        assertThat(start.get("genLength").asInt()).isEqualTo(32);
        assertThat(start.get("promptTokens").asInt()).isPositive();
        int layers = run.layers();
        assertThat(layers).isEqualTo(JSON.readTree(get("/api/info").body()).get("layers").asInt()).isPositive();

        // One step event per forward pass, in order.
        assertThat(run.steps()).hasSize(run.done().get("nfe").asInt());
        assertThat(run.steps()).extracting(s -> s.get("step").asInt())
                .containsExactlyElementsOf(IntStream.range(0, run.steps().size()).boxed().toList());
        for (JsonNode step : run.steps()) {
            int startReset = step.get("startReset").asInt();
            assertThat(startReset).isBetween(0, layers);
            assertThat(step.get("recomputedLayers").asInt()).isEqualTo(layers - startReset);
            int decoded = step.get("positions").size();
            assertThat(decoded).isPositive();
            assertThat(step.get("tokens").size()).isEqualTo(decoded);
            assertThat(step.get("ids").size()).isEqualTo(decoded);
            assertThat(step.get("special").size()).isEqualTo(decoded);
            assertThat(step.get("window").asInt()).isBetween(decoded, 32);
            assertThat(step.get("queryRows").asInt()).isPositive();
            assertThat(step.get("elapsedMillis").asDouble()).isNotNegative();
        }
        // The first step has no cache yet: every layer is computed for every row.
        assertThat(run.steps().get(0).get("startReset").asInt()).isZero();
        assertThat(run.steps().get(0).get("queryRows").asInt()).isEqualTo(start.get("promptTokens").asInt() + 32);

        // Decoded positions: no duplicates, and they cover the answer up to its end token (Elastic-Cache never
        // decodes what lies after the first EOS), or all 32 cells when there is none.
        List<Integer> positions = run.positions();
        assertThat(positions).doesNotHaveDuplicates().allSatisfy(p -> assertThat(p).isBetween(0, 31));
        JsonNode done = run.done();
        int end = done.get("answerEnd").isNull() ? 31 : done.get("answerEnd").asInt();
        assertThat(new TreeSet<>(positions)).containsAll(IntStream.rangeClosed(0, end).boxed().toList());
        assertThat(done.get("decodedPositions").asInt()).isEqualTo(positions.size());
        assertThat(done.get("finishReason").asString()).isIn("STOP", "EMPTY", "LENGTH");
        assertThat(done.get("decodeMillis").asDouble()).isPositive();
        assertThat(done.get("tokensPerSecond").asDouble()).isNotNegative();
        assertThat(done.get("recomputeFraction").asDouble()).isBetween(0.0, 1.0);
        assertThat(done.get("answerTokens").asInt()).isEqualTo(done.get("answerEnd").isNull() ? 32 : end);

        // The events agree with /api/chat: the same greedy decoding gives the same text.
        String answer = JSON.readTree(postJson("/api/chat",
                "{\"message\":\"" + UPPERCASE + "\",\"strategy\":\"elastic\",\"maxTokens\":32}").body()).get("answer").asString();
        assertThat(done.get("text").asString()).isEqualTo(answer);
    }

    @Test
    void lladaRecomputesEveryLayerAtEveryStepAndFillsEveryCell() throws Exception {
        Run run = decode("{\"message\":\"" + UPPERCASE + "\",\"strategy\":\"llada\",\"maxTokens\":32}");

        assertThat(run.start().get("maxSteps").asInt()).isEqualTo(32);
        assertThat(run.steps()).hasSize(32).hasSize(run.done().get("nfe").asInt());
        assertThat(run.steps()).allSatisfy(s -> {
            assertThat(s.get("startReset").asInt()).isZero();
            assertThat(s.get("recomputedLayers").asInt()).isEqualTo(run.layers());
            assertThat(s.get("positions").size()).isEqualTo(1);
        });
        assertThat(run.positions()).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 32).boxed().toList());
        assertThat(run.done().get("recomputeFraction").asDouble()).isEqualTo(1.0);
    }

    @Test
    void specialTokensAreShownAsMarks() throws Exception {
        Run run = decode("{\"message\":\"" + UPPERCASE + "\",\"strategy\":\"llada\",\"maxTokens\":32}");

        for (JsonNode step : run.steps()) {
            for (int i = 0; i < step.get("ids").size(); i++) {
                String text = step.get("tokens").get(i).asString();
                if (step.get("special").get(i).asBoolean()) {
                    assertThat(text).isNotBlank().doesNotContain("<|");
                }
            }
        }
        if (!run.done().get("answerEnd").isNull()) {
            int end = run.done().get("answerEnd").asInt();
            JsonNode at = run.steps().stream().filter(s -> s.get("positions").get(0).asInt() == end).findFirst().orElseThrow();
            assertThat(at.get("tokens").get(0).asString()).isIn("EOS", "EOT");
            assertThat(at.get("special").get(0).asBoolean()).isTrue();
        }
    }

    @Test
    void invalidRequestsAre400BeforeTheStream() throws Exception {
        HttpResponse<String> blank = postJson("/api/decode/stream", "{\"message\":\" \"}");
        assertThat(blank.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(blank.body()).get("detail").asString()).contains("message must not be blank");

        HttpResponse<String> tools = postJson("/api/decode/stream", "{\"message\":\"hi\",\"tools\":true}");
        assertThat(tools.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tools.body()).get("detail").asString()).contains("tools");

        HttpResponse<String> gamma = postJson("/api/decode/stream", "{\"message\":\"hi\",\"gamma\":2}");
        assertThat(gamma.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(gamma.body()).get("detail").asString()).containsIgnoringCase("gamma");
    }
}
