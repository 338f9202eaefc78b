package dev.elasticcache.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.structured.SchemaNode.ArrayNode;
import dev.elasticcache.structured.SchemaNode.EnumNode;
import dev.elasticcache.structured.SchemaNode.IntegerNode;
import dev.elasticcache.structured.SchemaNode.NullableNode;
import dev.elasticcache.structured.SchemaNode.ObjectNode;
import dev.elasticcache.structured.SchemaNode.StringNode;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class JsonSchemaCompilerTest {
    private final JsonSchemaCompiler compiler = new JsonSchemaCompiler();

    @Test
    void compilesTheSubsetWithItsBoundsAndDefaults() {
        ObjectNode o = (ObjectNode) compiler.compile("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
                + "\"type\":\"object\",\"properties\":{"
                + "\"name\":{\"type\":\"string\",\"minLength\":2,\"maxLength\":5,\"description\":\"who\"},"
                + "\"free\":{\"type\":\"string\"},"
                + "\"n\":{\"type\":\"integer\",\"format\":\"int32\",\"minimum\":1,\"exclusiveMaximum\":10},"
                + "\"tags\":{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"b\",\"a\"]},\"maxItems\":2},"
                + "\"pet\":{\"type\":[\"string\",\"null\"]},"
                + "\"ref\":{\"$ref\":\"#/$defs/Inner\"}},"
                + "\"required\":[\"name\"],\"additionalProperties\":false,"
                + "\"$defs\":{\"Inner\":{\"anyOf\":[{\"type\":\"boolean\"},{\"type\":\"null\"}]}}}");
        assertThat(o.properties()).extracting(SchemaNode.Property::name).containsExactly("name", "free", "n", "tags", "pet", "ref");
        assertThat(o.properties().get(0).schema()).isEqualTo(new StringNode(2, 5, 5));
        assertThat(o.properties().get(1).schema()).isEqualTo(new StringNode(0, -1, InfillLimits.DEFAULTS.stringTokens()));
        assertThat(o.properties().get(2).schema()).isEqualTo(new IntegerNode(10, BigInteger.ONE, BigInteger.valueOf(9)));
        ArrayNode tags = (ArrayNode) o.properties().get(3).schema();
        assertThat(tags.maxItems()).isEqualTo(2);
        assertThat(((EnumNode) tags.items()).values()).hasSize(2);
        assertThat(o.properties().get(4).schema()).isEqualTo(new NullableNode(new StringNode(0, -1, 16)));
        assertThat(o.properties().get(5).schema()).isInstanceOf(NullableNode.class);
    }

    @Test
    void everyUnsupportedConstructFailsWithItsNameAndPlace() {
        assertThatThrownBy(() -> compiler.compile("{\"type\":\"string\",\"pattern\":\"x\"}"))
                .hasMessageContaining("unsupported JSON Schema keyword 'pattern' at $");
        assertThatThrownBy(() -> compiler.compile("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"format\":\"email\"}}}"))
                .hasMessageContaining("'format' at $.a");
        assertThatThrownBy(() -> compiler.compile("{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}"))
                .hasMessageContaining("oneOf at $ is supported only as one schema or null");
        assertThatThrownBy(() -> compiler.compile("{\"type\":[\"string\",\"integer\"]}")).hasMessageContaining("use one type");
        assertThatThrownBy(() -> compiler.compile("{\"$ref\":\"#/$defs/A\",\"$defs\":{\"A\":{\"type\":\"object\","
                + "\"properties\":{\"a\":{\"$ref\":\"#/$defs/A\"}}}}}")).hasMessageContaining("recursive $ref");
        assertThatThrownBy(() -> compiler.compile("{\"$ref\":\"http://x/y\"}")).hasMessageContaining("only local references");
        assertThatThrownBy(() -> compiler.compile("{\"type\":\"array\"}")).hasMessageContaining("needs \"items\"");
        assertThatThrownBy(() -> compiler.compile("{\"type\":\"string\",\"minLength\":5,\"maxLength\":2}"))
                .hasMessageContaining("minLength 5 > maxLength 2");
        assertThatThrownBy(() -> compiler.compile("{\"type\":\"integer\",\"minimum\":5,\"maximum\":2}"))
                .hasMessageContaining("no integer lies between");
        assertThatThrownBy(() -> compiler.compile("{\"properties\":")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> compiler.compile("[]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> compiler.compile(" ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> compiler.compile("{\"description\":\"no type\"}")).hasMessageContaining("has no type");
    }

    @Test
    void aSchemaIsCompiledOnceAndEqualTextGivesTheSameTreeWhileAFaultyOneFailsEveryTime() {
        String schema = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":12}}}";
        SchemaNode first = compiler.compile(schema);
        assertThat(compiler.compile(new String(schema))).isSameAs(first); // equal text, another String
        assertThat(new JsonSchemaCompiler().compile(schema)).isEqualTo(first).isNotSameAs(first);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> compiler.compile("{\"type\":\"string\",\"pattern\":\"x\"}"))
                    .hasMessageContaining("unsupported JSON Schema keyword 'pattern'");
        }
        for (int i = 0; i < JsonSchemaCompiler.MEMO_SIZE + 10; i++) {
            compiler.compile("{\"type\":\"string\",\"maxLength\":" + (i + 1) + "}");
        }
        assertThat(compiler.compile(schema)).as("evicted after MEMO_SIZE others: compiled anew").isNotSameAs(first)
                .isEqualTo(first);
    }

    @Test
    void valuesAreCanonicalisedToJsonGrammar() {
        assertThat(ValueText.integer("-007")).isEqualTo("-7");
        assertThat(ValueText.integer("--")).isEqualTo("0");
        assertThat(ValueText.integer("1-2")).isEqualTo("12");
        assertThat(ValueText.integer("-0")).isEqualTo("0");
        assertThat(ValueText.number("-01.50.2")).isEqualTo("-1.502");
        assertThat(ValueText.number(".")).isEqualTo("0");
        assertThat(ValueText.number("3.")).isEqualTo("3");
        assertThat(ValueText.string("héllo", 3)).isEqualTo("hél");
        assertThat(ValueText.clamp(BigInteger.TEN, BigInteger.ONE, BigInteger.valueOf(5))).isEqualTo(BigInteger.valueOf(5));
    }
}
