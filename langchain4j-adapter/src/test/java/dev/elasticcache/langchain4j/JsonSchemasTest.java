package dev.elasticcache.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import dev.elasticcache.structured.JsonSchemaCompiler;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link JsonSchemas}: LangChain4j schema elements as JSON Schema text (no engine). */
class JsonSchemasTest {

    private static void assertJson(String actual, String expected) {
        assertThat(JsonParser.parseString(actual)).isEqualTo(JsonParser.parseString(expected));
    }

    @Test
    void every_element_type_maps_to_its_json_schema_keywords_with_descriptions() {
        JsonObjectSchema schema = JsonObjectSchema.builder()
                .description("a person")
                .addStringProperty("name", "full name")
                .addIntegerProperty("age")
                .addNumberProperty("height")
                .addBooleanProperty("member")
                .addEnumProperty("status", List.of("active", "inactive"))
                .addProperty("tags", JsonArraySchema.builder().items(new JsonStringSchema()).build())
                .addProperty("nickname", JsonAnyOfSchema.builder().anyOf(new JsonStringSchema(), new JsonNullSchema())
                        .build())
                .required("name", "age")
                .additionalProperties(false)
                .build();

        assertJson(JsonSchemas.toJson(schema), """
                {"type":"object","description":"a person","properties":{
                  "name":{"type":"string","description":"full name"},
                  "age":{"type":"integer"},
                  "height":{"type":"number"},
                  "member":{"type":"boolean"},
                  "status":{"type":"string","enum":["active","inactive"]},
                  "tags":{"type":"array","items":{"type":"string"}},
                  "nickname":{"anyOf":[{"type":"string"},{"type":"null"}]}},
                 "required":["name","age"],"additionalProperties":false}""");
        // Property order is kept: the document's keys come in schema order.
        assertThat(JsonSchemas.toJson(schema)).containsSubsequence("\"name\"", "\"age\"", "\"height\"", "\"member\"",
                "\"status\"", "\"tags\"", "\"nickname\"");
        new JsonSchemaCompiler().compile(JsonSchemas.toJson(schema)); // the engine's compiler accepts all of it
    }

    @Test
    void definitions_of_any_object_move_to_the_root_and_references_point_there() {
        JsonObjectSchema inner = JsonObjectSchema.builder()
                .addProperty("next", JsonReferenceSchema.builder().reference("Leaf").build())
                .definitions(Map.of("Leaf", JsonObjectSchema.builder().addStringProperty("v").build()))
                .build();
        JsonObjectSchema root = JsonObjectSchema.builder()
                .addProperty("a", JsonReferenceSchema.builder().reference("Node").build())
                .addProperty("b", inner)
                .definitions(Map.of("Node", JsonObjectSchema.builder().addIntegerProperty("n").build()))
                .build();

        assertJson(JsonSchemas.toJson(root), """
                {"type":"object","properties":{
                  "a":{"$ref":"#/$defs/Node"},
                  "b":{"type":"object","properties":{"next":{"$ref":"#/$defs/Leaf"}}}},
                 "$defs":{"Node":{"type":"object","properties":{"n":{"type":"integer"}}},
                          "Leaf":{"type":"object","properties":{"v":{"type":"string"}}}}}""");
        new JsonSchemaCompiler().compile(JsonSchemas.toJson(root));
    }

    @Test
    void a_raw_root_is_used_verbatim_and_a_raw_property_is_embedded() {
        String raw = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":8}}}";
        assertThat(JsonSchemas.toJson(JsonRawSchema.from(raw))).isEqualTo(raw);

        JsonObjectSchema withRaw = JsonObjectSchema.builder()
                .addProperty("code", JsonRawSchema.from("{\"type\":\"string\",\"minLength\":3}")).build();
        assertJson(JsonSchemas.toJson(withRaw),
                "{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\",\"minLength\":3}}}");
    }

    @Test
    void problems_of_the_tree_itself_fail_with_what_to_fix() {
        assertThatThrownBy(() -> JsonSchemas.toJson(JsonRawSchema.from("{oops")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
        JsonSchemaElement custom = () -> "custom";
        assertThatThrownBy(() -> JsonSchemas.toJson(JsonObjectSchema.builder().addProperty("x", custom).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at $.x is not supported").hasMessageContaining("JsonObjectSchema");
        JsonObjectSchema clash = JsonObjectSchema.builder()
                .addProperty("a", JsonObjectSchema.builder()
                        .definitions(Map.of("T", new JsonIntegerSchema())).build())
                .definitions(Map.of("T", new JsonStringSchema()))
                .build();
        assertThatThrownBy(() -> JsonSchemas.toJson(clash))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("named 'T'");
    }
}
