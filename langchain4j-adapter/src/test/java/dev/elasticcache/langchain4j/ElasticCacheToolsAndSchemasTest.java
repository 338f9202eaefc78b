package dev.elasticcache.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Tools, tool choice and JSON-schema answers through {@link ElasticCacheChatModel} on the random tiny checkpoint.
 * The checkpoint knows nothing, so every assertion is about the mechanism: a call names an offered tool, its
 * arguments are a JSON object with that tool's parameters and value types, a document parses and has the schema's
 * keys, tool turns of a conversation reach the prompt, bad schemas fail before decoding.
 */
class ElasticCacheToolsAndSchemasTest {

    static final ToolSpecification WEATHER = ToolSpecification.builder()
            .name("getWeather")
            .description("Current weather of a city.")
            .parameters(JsonObjectSchema.builder().addStringProperty("city", "the city name").required("city").build())
            .build();

    static final ToolSpecification ADD = ToolSpecification.builder()
            .name("add_two_numbers")
            .parameters(JsonObjectSchema.builder().addIntegerProperty("a").addIntegerProperty("b").required("a", "b")
                    .build())
            .build();

    static final ToolSpecification TIME = ToolSpecification.builder().name("get_current_time").build();

    private final ElasticCacheEngine engine = TestEngines.shared();
    private final ElasticCacheChatModel model = ElasticCacheChatModel.builder()
            .engine(engine)
            .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(12).build())
            .build();

    private static ChatRequest ask(String text, ChatRequestParameters parameters) {
        return ChatRequest.builder().messages(UserMessage.from(text)).parameters(parameters).build();
    }

    private static ChatRequestParameters tools(ToolChoice choice, ToolSpecification... tools) {
        return ChatRequestParameters.builder().toolSpecifications(tools).toolChoice(choice).build();
    }

    private static ResponseFormat jsonSchema(String name, JsonSchemaElement root) {
        return ResponseFormat.builder().type(ResponseFormatType.JSON)
                .jsonSchema(JsonSchema.builder().name(name).rootElement(root).build()).build();
    }

    private static ElasticCacheChatResponseMetadata meta(ChatResponse response) {
        return (ElasticCacheChatResponseMetadata) response.metadata();
    }

    /** Parses {@code json} as a JSON object (fails the test when it is not one). */
    static JsonObject object(String json) {
        JsonElement parsed = JsonParser.parseString(json);
        assertThat(parsed.isJsonObject()).as("'%s' is a JSON object", json).isTrue();
        return parsed.getAsJsonObject();
    }

    static boolean isString(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    static boolean isInteger(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()
                && e.getAsBigDecimal().stripTrailingZeros().scale() <= 0;
    }

    /** A call's arguments are a JSON object with exactly the offered tool's parameters, typed as declared. */
    static void assertValidCall(ToolExecutionRequest call, ToolSpecification... offered) {
        Map<String, ToolSpecification> byName = java.util.Arrays.stream(offered)
                .collect(Collectors.toMap(ToolSpecification::name, t -> t));
        assertThat(byName).as("the call names an offered tool").containsKey(call.name());
        assertThat(call.id()).startsWith("call_");
        JsonObject arguments = object(call.arguments());
        switch (call.name()) {
            case "getWeather" -> {
                assertThat(arguments.keySet()).containsExactly("city");
                assertThat(isString(arguments.get("city"))).as("city is a string in %s", call.arguments()).isTrue();
            }
            case "add_two_numbers" -> {
                assertThat(arguments.keySet()).containsExactly("a", "b");
                assertThat(isInteger(arguments.get("a")) && isInteger(arguments.get("b")))
                        .as("a and b are integers in %s", call.arguments()).isTrue();
            }
            case "get_current_time" -> assertThat(arguments.keySet()).isEmpty();
            default -> throw new AssertionError("unexpected tool " + call.name());
        }
    }

    @Test
    void tool_choice_required_gives_tool_execution_requests_that_name_offered_tools_with_parseable_arguments() {
        ChatResponse response = model.chat(ask("What is the weather in Munich?", tools(ToolChoice.REQUIRED, WEATHER, ADD)));

        AiMessage ai = response.aiMessage();
        assertThat(ai.hasToolExecutionRequests()).isTrue();
        assertThat(ai.text()).as("a tool-call answer has no text").isNull();
        assertThat(ai.toolExecutionRequests()).hasSizeBetween(1, 4)
                .allSatisfy(call -> assertValidCall(call, WEATHER, ADD));
        Set<String> ids = new HashSet<>();
        ai.toolExecutionRequests().forEach(call -> ids.add(call.id()));
        assertThat(ids).as("every call has its own id").hasSize(ai.toolExecutionRequests().size());
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(meta(response).engineFinishReason()).isEqualTo(dev.elasticcache.engine.FinishReason.TOOL_CALLS);
        assertThat(response.tokenUsage().inputTokenCount()).isPositive();
        assertThat(response.tokenUsage().totalTokenCount())
                .isEqualTo(response.tokenUsage().inputTokenCount() + response.tokenUsage().outputTokenCount());

        // Integer parameters: the arguments of the only offered tool are integers.
        ChatResponse sum = model.chat(ask("Add 2 and 3", tools(ToolChoice.REQUIRED, ADD)));
        assertThat(sum.aiMessage().toolExecutionRequests()).isNotEmpty().allSatisfy(call -> {
            assertThat(call.name()).isEqualTo("add_two_numbers");
            assertValidCall(call, ADD);
        });
    }

    @Test
    void a_tool_without_parameters_is_called_with_empty_arguments() {
        ChatResponse response = model.chat(ask("What is the time now?", tools(ToolChoice.REQUIRED, TIME)));

        assertThat(response.aiMessage().toolExecutionRequests()).isNotEmpty().allSatisfy(call -> {
            assertThat(call.name()).isEqualTo("get_current_time");
            assertThat(call.arguments()).isEqualTo("{}");
        });
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
    }

    @Test
    void tool_choice_none_gives_text_and_still_describes_the_tools_in_the_prompt() {
        ChatResponse plain = model.chat(ask("What is the weather in Munich?", null));
        ChatResponse none = model.chat(ask("What is the weather in Munich?", tools(ToolChoice.NONE, WEATHER, ADD)));

        assertThat(none.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(none.aiMessage().text()).isNotNull();
        assertThat(none.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
        assertThat(none.tokenUsage().inputTokenCount())
                .as("the tool list is rendered into the system turn")
                .isGreaterThan(plain.tokenUsage().inputTokenCount() + "getWeather".length() + "add_two_numbers".length());
    }

    @Test
    void tool_choice_auto_gives_either_valid_calls_or_text_and_the_finish_reason_says_which() {
        for (String question : List.of("What is the weather in Munich?", "Add 2 and 3", "Hello")) {
            ChatResponse response = model.chat(ask(question, tools(ToolChoice.AUTO, WEATHER, ADD)));
            AiMessage ai = response.aiMessage();
            if (ai.hasToolExecutionRequests()) {
                assertThat(ai.toolExecutionRequests()).allSatisfy(call -> assertValidCall(call, WEATHER, ADD));
                assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
            } else {
                assertThat(ai.text()).isNotNull();
                assertThat(response.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
            }
        }
    }

    @Test
    void default_tools_of_the_model_apply_to_every_request() {
        ElasticCacheChatModel withTools = ElasticCacheChatModel.builder().engine(engine)
                .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(12)
                        .toolSpecifications(WEATHER).toolChoice(ToolChoice.REQUIRED).build())
                .build();
        ChatResponse response = withTools.chat(UserMessage.from("Weather in Oslo?"));
        assertThat(response.aiMessage().toolExecutionRequests()).isNotEmpty()
                .allSatisfy(call -> assertValidCall(call, WEATHER));
    }

    @Test
    void json_schema_response_format_gives_a_parseable_document_with_the_schemas_keys_and_types() {
        JsonObjectSchema address = JsonObjectSchema.builder().addStringProperty("city").addStringProperty("street")
                .required("city", "street").build();
        JsonObjectSchema person = JsonObjectSchema.builder()
                .addStringProperty("name", "the person's name")
                .addIntegerProperty("age")
                .addNumberProperty("height")
                .addBooleanProperty("member")
                .addEnumProperty("status", List.of("active", "inactive"))
                .addProperty("tags", JsonArraySchema.builder().items(new JsonStringSchema()).build())
                .addProperty("address", address)
                .addProperty("nickname", JsonAnyOfSchema.builder()
                        .anyOf(new JsonStringSchema(), new JsonNullSchema()).build())
                .required("name", "age", "height", "member", "status", "tags", "address", "nickname")
                .build();

        ChatResponse response = model.chat(ask("Describe a person",
                ChatRequestParameters.builder().responseFormat(jsonSchema("Person", person)).build()));

        String text = response.aiMessage().text();
        JsonObject doc = object(text);
        assertThat(doc.keySet()).containsExactly("name", "age", "height", "member", "status", "tags", "address",
                "nickname");
        assertThat(isString(doc.get("name"))).isTrue();
        assertThat(isInteger(doc.get("age"))).as("age in %s", text).isTrue();
        assertThat(doc.get("height").getAsJsonPrimitive().isNumber()).isTrue();
        assertThat(doc.get("member").getAsJsonPrimitive().isBoolean()).isTrue();
        assertThat(doc.get("status").getAsString()).isIn("active", "inactive");
        assertThat(doc.get("tags").isJsonArray()).isTrue();
        assertThat(doc.get("tags").getAsJsonArray()).allSatisfy(tag -> assertThat(isString(tag)).isTrue());
        assertThat(doc.getAsJsonObject("address").keySet()).containsExactly("city", "street");
        assertThat(doc.get("nickname").isJsonNull() || isString(doc.get("nickname"))).isTrue();
        assertThat(response.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void raw_schemas_are_used_as_is_and_definitions_with_references_resolve() {
        String raw = """
                {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                 "properties": {"city": {"type": "string", "maxLength": 8}, "zip": {"type": ["integer", "null"]}},
                 "required": ["city", "zip"], "additionalProperties": false}""";
        ChatResponse rawResponse = model.chat(ask("Where?", ChatRequestParameters.builder()
                .responseFormat(jsonSchema("Answer", JsonRawSchema.from(raw))).build()));
        JsonObject rawDoc = object(rawResponse.aiMessage().text());
        assertThat(rawDoc.keySet()).containsExactly("city", "zip");
        assertThat(isString(rawDoc.get("city"))).isTrue();
        assertThat(rawDoc.get("zip").isJsonNull() || isInteger(rawDoc.get("zip"))).isTrue();

        JsonObjectSchema withDefs = JsonObjectSchema.builder()
                .addProperty("home", JsonReferenceSchema.builder().reference("Place").build())
                .addProperty("work", JsonReferenceSchema.builder().reference("Place").build())
                .definitions(Map.of("Place", JsonObjectSchema.builder().addStringProperty("city")
                        .addProperty("open", new JsonBooleanSchema()).build()))
                .build();
        ChatResponse refResponse = model.chat(ask("Where?", ChatRequestParameters.builder()
                .responseFormat(jsonSchema("Places", withDefs)).build()));
        JsonObject refDoc = object(refResponse.aiMessage().text());
        assertThat(refDoc.keySet()).containsExactly("home", "work");
        assertThat(refDoc.getAsJsonObject("home").keySet()).containsExactly("city", "open");
        assertThat(refDoc.getAsJsonObject("work").keySet()).containsExactly("city", "open");
    }

    @Test
    void a_conversation_with_tool_requests_and_results_renders_and_decodes() {
        UserMessage question = UserMessage.from("What is the weather in Oslo?");
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_1").name("getWeather")
                .arguments("{\"city\": \"Oslo\"}").build();
        String result = "12C and rainy";
        List<ChatMessage> conversation = List.of(question, AiMessage.from(call), ToolExecutionResultMessage.from(call, result));

        ChatResponse before = model.chat(ChatRequest.builder().messages(question)
                .parameters(tools(ToolChoice.NONE, WEATHER)).build());
        ChatResponse after = model.chat(ChatRequest.builder().messages(conversation)
                .parameters(tools(ToolChoice.NONE, WEATHER)).build());

        assertThat(after.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(after.aiMessage().text()).isNotNull();
        // Byte-level tokenizer: the call (name, compact arguments) and the result each add at least their bytes.
        assertThat(after.tokenUsage().inputTokenCount()).isGreaterThan(before.tokenUsage().inputTokenCount()
                + "{\"name\":\"getWeather\",\"arguments\":{\"city\":\"Oslo\"}}".length() + result.length());

        // The same conversation answered in a schema (as AI services do after a tool result): a valid document.
        ChatResponse structured = model.chat(ChatRequest.builder().messages(conversation)
                .parameters(ChatRequestParameters.builder().toolSpecifications(WEATHER).toolChoice(ToolChoice.NONE)
                        .responseFormat(jsonSchema("weather", JsonObjectSchema.builder()
                                .addEnumProperty("weather", List.of("sunny", "rainy")).build()))
                        .build())
                .build());
        assertThat(object(structured.aiMessage().text()).get("weather").getAsString()).isIn("sunny", "rainy");
        assertThat(structured.finishReason()).isEqualTo(FinishReason.STOP);

        // An AI turn with text and calls, and two results in a row, render too.
        ToolExecutionRequest second = ToolExecutionRequest.builder().id("call_2").name("get_current_time")
                .arguments("{}").build();
        ChatResponse two = model.chat(ChatRequest.builder()
                .messages(question, AiMessage.from("Let me look.", List.of(call, second)),
                        ToolExecutionResultMessage.from(call, result), ToolExecutionResultMessage.from(second, "14:35"))
                .parameters(tools(ToolChoice.NONE, WEATHER, TIME)).build());
        assertThat(two.tokenUsage().inputTokenCount()).isGreaterThan(after.tokenUsage().inputTokenCount());
    }

    @Test
    void a_tool_result_conversation_may_be_answered_with_another_call() {
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_1").name("getWeather")
                .arguments("{\"city\":\"Oslo\"}").build();
        ChatResponse response = model.chat(ChatRequest.builder()
                .messages(UserMessage.from("Weather in Oslo, then add 2 and 3"), AiMessage.from(call),
                        ToolExecutionResultMessage.from(call, "12C and rainy"))
                .parameters(tools(ToolChoice.REQUIRED, WEATHER, ADD)).build());
        assertThat(response.aiMessage().toolExecutionRequests()).isNotEmpty()
                .allSatisfy(c -> assertValidCall(c, WEATHER, ADD))
                .allSatisfy(c -> assertThat(c.id()).isNotEqualTo("call_1"));
    }

    @Test
    void an_unsupported_keyword_in_a_tool_schema_fails_before_decoding_naming_the_tool_and_the_keyword() {
        ToolSpecification lookup = ToolSpecification.builder().name("lookup_code")
                .parameters(JsonObjectSchema.builder()
                        .addProperty("code", JsonRawSchema.from("{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}$\"}"))
                        .build())
                .build();
        assertThatThrownBy(() -> model.chat(ask("Look up ABC", tools(ToolChoice.AUTO, WEATHER, lookup))))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("tool 'lookup_code'")
                .hasMessageContaining("unsupported JSON Schema keyword 'pattern'")
                .hasMessageContaining("$.code")
                .hasCauseExactlyInstanceOf(IllegalArgumentException.class);

        ToolSpecification union = ToolSpecification.builder().name("pick")
                .parameters(JsonObjectSchema.builder().addProperty("value", JsonAnyOfSchema.builder()
                        .anyOf(new JsonStringSchema(), new JsonIntegerSchema()).build()).build())
                .build();
        assertThatThrownBy(() -> model.chat(ask("Pick", tools(ToolChoice.REQUIRED, union))))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("tool 'pick'").hasMessageContaining("anyOf");

        assertThatThrownBy(() -> model.chat(ask("Where?", ChatRequestParameters.builder().responseFormat(jsonSchema(
                        "Answer", JsonRawSchema.from("{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\","
                                + "\"pattern\":\"^[0-9]+$\"}}}"))).build())))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("unsupported JSON Schema keyword 'pattern'").hasMessageContaining("$.id");

        assertThatThrownBy(() -> model.chat(ask("Where?", ChatRequestParameters.builder().responseFormat(jsonSchema(
                        "Answer", JsonRawSchema.from("{not json"))).build())))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'Answer'").hasMessageContaining("not valid JSON");
    }

    @Test
    void invalid_tool_requests_fail_as_invalid_requests() {
        assertThatThrownBy(() -> model.chat(ask("hi", ChatRequestParameters.builder().toolChoice(ToolChoice.REQUIRED)
                        .build())))
                .isExactlyInstanceOf(InvalidRequestException.class).hasMessageContaining("needs at least one tool");
        ToolExecutionRequest broken = ToolExecutionRequest.builder().id("x").name("getWeather").arguments("{city:").build();
        assertThatThrownBy(() -> model.chat(UserMessage.from("hi"), AiMessage.from(broken),
                        ToolExecutionResultMessage.from(broken, "sunny")))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'getWeather'").hasMessageContaining("not a JSON object");
        ToolSpecification badName = ToolSpecification.builder().name("get weather").build();
        assertThatThrownBy(() -> model.chat(ask("hi", tools(ToolChoice.REQUIRED, badName))))
                .isExactlyInstanceOf(InvalidRequestException.class).hasMessageContaining("get weather");
    }

    /** An AI service with a POJO return type: AiServices sends the JSON schema (the model has the capability). */
    record Person(String name, int age, boolean member) {}

    interface Extractor {
        Person extract(String text);
    }

    @Test
    void ai_services_send_the_pojo_schema_as_response_format_and_parse_the_document() {
        List<ChatModelRequestContext> requests = new CopyOnWriteArrayList<>();
        ElasticCacheChatModel listened = ElasticCacheChatModel.builder().engine(engine)
                .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(12).build())
                .listeners(new ChatModelListener() {
                    @Override
                    public void onRequest(ChatModelRequestContext context) {
                        requests.add(context);
                    }
                })
                .build();
        Extractor extractor = AiServices.create(Extractor.class, listened);

        Person person = extractor.extract("Ada is 36 and a member");

        assertThat(person).isNotNull();
        assertThat(requests).singleElement().satisfies(r -> {
            ResponseFormat format = r.chatRequest().parameters().responseFormat();
            assertThat(format.type()).isEqualTo(ResponseFormatType.JSON);
            assertThat(format.jsonSchema().rootElement()).isInstanceOf(JsonObjectSchema.class);
            assertThat(((JsonObjectSchema) format.jsonSchema().rootElement()).properties())
                    .containsOnlyKeys("name", "age", "member");
        });
    }
}
