package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.ai.converter.BeanOutputConverter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/booking}: ChatClient's {@code entity(Booking.class, spec -> spec.useProviderStructuredOutput())}
 * on the Elastic-Cache model. Mechanism only (any model): the document is valid for the record's schema by
 * construction and parses into the record.
 */
class BookingTests extends AppTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String RECORD = "id:36291742 from:PSK to:UJX seat:70V gate:V71 class:W bag:7";
    /**
     * The schema the shipped model learned for this record (elastic-cache-lab's RecordToSchemaJson.SPRING_SCHEMA):
     * Spring AI's description of a record like {@link Booking}, properties in alphabetical order.
     */
    static final String TRAINED_SCHEMA = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
            + "\"properties\":{\"bag\":{\"type\":\"integer\",\"format\":\"int32\"},\"class\":{\"type\":\"string\"},"
            + "\"from\":{\"type\":\"string\"},\"gate\":{\"type\":\"string\"},\"id\":{\"type\":\"string\"},"
            + "\"seat\":{\"type\":\"string\"},\"to\":{\"type\":\"string\"}},"
            + "\"required\":[\"bag\",\"from\",\"gate\",\"id\",\"seat\",\"to\"],\"additionalProperties\":false}";

    @Test
    void bookingIsTheParsedDocumentAndTheDocumentIsValidForTheRecordsSchema() throws Exception {
        HttpResponse<String> response = postJson("/api/booking", "{\"message\":\"Record to JSON: " + RECORD + "\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        String document = body.get("json").asString();
        String schema = new BeanOutputConverter<>(Booking.class).getJsonSchema();
        assertThat(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schema)
                .validate(document, InputFormat.JSON)).as(document).isEmpty();
        JsonNode parsed = JSON.readTree(document);
        JsonNode booking = body.get("booking");
        assertThat(booking.propertyNames()).containsExactlyInAnyOrder("id", "from", "to", "seat", "gate", "class", "bag");
        for (String key : booking.propertyNames()) {
            assertThat(booking.get(key)).as(key).isEqualTo(parsed.get(key));
        }
        assertThat(body.at("/usage/promptTokens").asInt()).isPositive();
        assertThat(body.at("/stats/nfe").asInt()).isPositive();
    }

    @Test
    void theRecordsSchemaIsTheOneTheShippedModelLearned() {
        assertThat(JSON.readTree(new BeanOutputConverter<>(Booking.class).getJsonSchema()))
                .isEqualTo(JSON.readTree(TRAINED_SCHEMA));
    }

    @Test
    void theInstructionIsAddedWhenTheMessageIsJustTheRecord() throws Exception {
        JsonNode bare = JSON.readTree(postJson("/api/booking", "{\"message\":\"" + RECORD + "\"}").body());
        JsonNode full = JSON.readTree(postJson("/api/booking", "{\"message\":\"Record to JSON: " + RECORD + "\"}").body());

        assertThat(bare.get("json")).isEqualTo(full.get("json"));
        assertThat(bare.at("/usage/promptTokens")).isEqualTo(full.at("/usage/promptTokens"));
    }

    @Test
    void blankMessageOrToolsAre400() throws Exception {
        HttpResponse<String> blank = postJson("/api/booking", "{\"message\":\" \"}");
        assertThat(blank.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(blank.body()).get("detail").asString()).contains("Record to JSON: id:");

        HttpResponse<String> tools = postJson("/api/booking", "{\"message\":\"" + RECORD + "\",\"tools\":true}");
        assertThat(tools.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tools.body()).get("detail").asString()).contains("tools");
    }
}
