package dev.elasticcache.structured;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import dev.elasticcache.TokenIds;
import dev.elasticcache.structured.SchemaNode.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The canvas of one tool call: {@code <tool_call>{"name":"} NAME {@code ","arguments":} ARGUMENTS
 * {@code }</tool_call>}. The name is a choice among the offered tools in a region of fixed width (at least
 * {@link InfillLimits#stringTokens()}, so the layout does not depend on which tools are offered); the arguments are
 * the chosen tool's parameter schema, laid out once the name is decided.
 */
public final class ToolCallLayout {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final CanvasBuilder builder;
    private final List<ToolDefinition> tools;
    private final List<SchemaNode> parameters = new ArrayList<>();
    private final int[] prefix;
    private final int[] middle;
    private final int[] suffix;
    private final ChoiceRegion names;

    /** Validates the tools (names, uniqueness, schemas) and lays out what does not depend on the choice. */
    public ToolCallLayout(CanvasBuilder builder, List<ToolDefinition> tools, JsonSchemaCompiler compiler, InfillLimits limits) {
        if (tools.isEmpty()) {
            throw new IllegalArgumentException("no tools offered; add tool definitions or use tool choice none");
        }
        this.builder = builder;
        this.tools = List.copyOf(tools);
        Set<String> seen = new HashSet<>();
        for (ToolDefinition tool : tools) {
            if (tool.name().isBlank()) {
                throw new IllegalArgumentException("a tool has no name; give every tool a name");
            }
            if (!NAME.matcher(tool.name()).matches()) {
                throw new IllegalArgumentException("tool name '" + tool.name()
                        + "' is not allowed; use 1-64 letters, digits, '_', '-' or '.'");
            }
            if (!seen.add(tool.name())) {
                throw new IllegalArgumentException("two tools are named '" + tool.name() + "'; tool names must be unique");
            }
            SchemaNode node;
            try {
                node = compiler.compile(tool.parametersSchema());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tool '" + tool.name() + "': " + e.getMessage(), e);
            }
            if (!(node instanceof ObjectNode)) {
                throw new IllegalArgumentException("tool '" + tool.name() + "': parameters must be an object schema");
            }
            parameters.add(node);
        }
        InfillFormat f = builder.format();
        this.prefix = f.encode(ToolPrompt.CALL_OPEN + "{\"name\":\"");
        this.middle = f.encode("\",\"arguments\":");
        this.suffix = f.encode("}" + ToolPrompt.CALL_CLOSE);
        List<int[]> candidates = new ArrayList<>();
        for (ToolDefinition tool : tools) {
            candidates.add(f.encode(tool.name()));
        }
        int width = Math.max(limits.stringTokens(), candidates.stream().mapToInt(c -> c.length).max().orElse(0));
        List<int[]> padded = new ArrayList<>();
        for (int[] c : candidates) {
            padded.add(f.pad(c, width));
        }
        this.names = new ChoiceRegion("$name", prefix.length, padded);
    }

    public List<ToolDefinition> tools() {
        return tools;
    }

    public SchemaNode parameters(int tool) {
        return parameters.get(tool);
    }

    /** The canvas before the name is chosen: prefix, the name region, the middle, then {@code tail} masks. */
    public Canvas nameCanvas(int tail) {
        int[] t = new int[prefix.length + names.width() + middle.length + tail];
        System.arraycopy(prefix, 0, t, 0, prefix.length);
        java.util.Arrays.fill(t, prefix.length, prefix.length + names.width(), builder.format().maskId());
        System.arraycopy(middle, 0, t, prefix.length + names.width(), middle.length);
        java.util.Arrays.fill(t, prefix.length + names.width() + middle.length, t.length, builder.format().maskId());
        return new Canvas(t, List.of(), List.of(names));
    }

    /** The widest argument canvas among the tools (the tail the name canvas leaves for them). */
    public int widestArguments() {
        return parameters.stream().mapToInt(builder::width).max().orElse(0) + suffix.length;
    }

    /** The call canvas of tool {@code tool} with its arguments' slots and choices as {@code resolution} leaves them. */
    public Canvas callCanvas(int tool, Resolution resolution) {
        Canvas args = builder.canvas(parameters.get(tool), resolution);
        int offset = prefix.length + names.width() + middle.length;
        int[] t = TokenIds.concat(prefix, names.candidates().get(tool), middle, args.tokens(), suffix);
        List<Slot> slots = new ArrayList<>();
        for (Slot s : args.slots()) {
            slots.add(new Slot(s.path(), s.kind(), s.start() + offset, s.width(), s.minTokens(), s.maxLength()));
        }
        List<ChoiceRegion> choices = new ArrayList<>();
        for (ChoiceRegion c : args.choices()) {
            choices.add(new ChoiceRegion(c.key(), c.start() + offset, c.candidates()));
        }
        return new Canvas(t, slots, choices);
    }

    /** Offset of the arguments within a call canvas. */
    public int argumentsOffset() {
        return prefix.length + names.width() + middle.length;
    }

    /** The arguments document of a decoded call canvas. */
    public JsonElement readArguments(int tool, Resolution resolution, int[] callTokens) {
        int from = argumentsOffset();
        int width = builder.width(parameters.get(tool));
        return builder.read(parameters.get(tool), resolution, java.util.Arrays.copyOfRange(callTokens, from, from + width));
    }

    /** Which positions of tool {@code tool}'s call canvas the model fills: the name region and the argument holes. */
    public boolean[] variablePositions(int tool) {
        int[] t = callCanvas(tool, new Resolution()).tokens();
        boolean[] out = new boolean[t.length];
        for (int i = 0; i < t.length; i++) {
            out[i] = t[i] == builder.format().maskId() || (i >= prefix.length && i < prefix.length + names.width());
        }
        return out;
    }

    /** A call written into the layout (training data). */
    public int[] render(String toolName, JsonElement arguments) {
        int tool = indexOf(toolName);
        return TokenIds.concat(prefix, names.candidates().get(tool), middle, builder.render(parameters.get(tool), arguments), suffix);
    }

    public int indexOf(String toolName) {
        for (int i = 0; i < tools.size(); i++) {
            if (tools.get(i).name().equals(toolName)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no tool named " + new JsonPrimitive(toolName));
    }

}
