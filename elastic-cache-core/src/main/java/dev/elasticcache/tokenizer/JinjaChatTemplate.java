package dev.elasticcache.tokenizer;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.elasticcache.checkpoint.CheckpointException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A checkpoint's own chat template: the Jinja source of {@code tokenizer_config.json}'s {@code chat_template}
 * (or of a {@code chat_template.jinja} file beside it), rendered with Jinjava the way Hugging Face's
 * {@code apply_chat_template} renders it: {@code trim_blocks} and {@code lstrip_blocks} on, one trailing
 * newline of the source dropped, the variables {@code messages} (maps with {@code role} and {@code content},
 * plus {@code tool_calls} / {@code tool_call_id} / {@code name} for tool turns), {@code add_generation_prompt}
 * and the special tokens ({@code bos_token}, {@code eos_token}, {@code pad_token}, {@code unk_token}), and the
 * function {@code raise_exception(message)} that templates call to reject a conversation. The {@code trim}
 * filter strips Unicode whitespace as Python's {@code str.strip()} does (Jinjava's own strips less).
 *
 * <p>Known differences from Python's Jinja: Python string methods other than those Java's {@link String}
 * also has ({@code .strip()} works, {@code .startswith()} does not) fail, and {@code tojson} writes compact
 * JSON where Python writes {@code ", "} and {@code ": "} separators. Failures are reported, never ignored.
 *
 * <p>Thread safe.
 */
public final class JinjaChatTemplate {

    public static final String TOKENIZER_CONFIG_FILE = "tokenizer_config.json";
    /** Where newer Hugging Face checkpoints keep the template instead of in tokenizer_config.json. */
    public static final String TEMPLATE_FILE = "chat_template.jinja";

    private static final ThreadLocal<String> RAISED = new ThreadLocal<>();
    /** JSON to template values as Python's json.loads gives them: integers stay integers (tojson writes 3, not 3.0). */
    public static final Gson JSON = new com.google.gson.GsonBuilder()
            .setObjectToNumberStrategy(com.google.gson.ToNumberPolicy.LONG_OR_DOUBLE).create();

    private final String source;
    private final Path origin;
    private final Map<String, String> specialTokens;
    private final Jinjava jinjava;
    /** Why the template cannot render (an unknown filter or test), or null. */
    private final String problem;
    private final boolean rendersTools;

    /**
     * A template from its source.
     *
     * @param source the Jinja text
     * @param specialTokens variables such as {@code bos_token} and {@code eos_token} (no nulls)
     * @param origin the file the template came from, named in every error
     */
    public JinjaChatTemplate(String source, Map<String, String> specialTokens, Path origin) {
        Objects.requireNonNull(source, "source");
        this.origin = Objects.requireNonNull(origin, "origin");
        this.specialTokens = Map.copyOf(specialTokens);
        // Jinja's default keep_trailing_newline=False drops one newline at the very end of the source.
        this.source = source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
        // Nested interpretation off: message content that looks like a template is text, never executed.
        this.jinjava = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true)
                .withNestedInterpretationEnabled(false).build());
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                JinjaChatTemplate.class, "raiseException", Object.class));
        jinjava.getGlobalContext().registerFilter(new PythonTrimFilter());
        this.problem = checkNames();
        this.rendersTools = tagCode(this.source).stream().anyMatch(code -> TOOLS_VARIABLE.matcher(code).find());
    }

    /** {@code tools} as a name in a tag's code (not an attribute such as {@code x.tools}). */
    private static final java.util.regex.Pattern TOOLS_VARIABLE =
            java.util.regex.Pattern.compile("(?<![A-Za-z0-9_.])tools(?![A-Za-z0-9_])");

    /**
     * Jinjava renders an unknown filter or test as nothing, without an error, where Python's Jinja refuses
     * the template: find them up front.
     */
    private String checkNames() {
        for (String[] use : filtersAndTests(source)) {
            boolean known = "filter".equals(use[0])
                    ? jinjava.getGlobalContext().getFilter(use[1]) != null
                    : jinjava.getGlobalContext().getExpTest(use[1]) != null;
            if (!known) {
                return origin + ": the chat template failed to render: it uses the " + use[0] + " '" + use[1]
                        + "', which the Jinja engine here (Jinjava) does not have";
            }
        }
        return null;
    }

    /** {"filter"|"test", name} for each {@code | name} and {@code is [not] name} in the template's code. */
    static List<String[]> filtersAndTests(String source) {
        List<String[]> out = new ArrayList<>();
        for (String text : tagCode(source)) {
            java.util.regex.Matcher f = java.util.regex.Pattern.compile("\\|\\s*([A-Za-z_][A-Za-z0-9_]*)").matcher(text);
            while (f.find()) {
                out.add(new String[] {"filter", f.group(1)});
            }
            java.util.regex.Matcher t = java.util.regex.Pattern
                    .compile("(?<![A-Za-z0-9_.])is\\s+(?:not\\s+)?([A-Za-z_][A-Za-z0-9_]*)").matcher(text);
            while (t.find()) {
                out.add(new String[] {"test", t.group(1)});
            }
        }
        return out;
    }

    /** The code of each {@code {{ }}} and {@code {% %}} tag, string literals blanked; comments and raw blocks skipped. */
    static List<String> tagCode(String source) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = source.length();
        while (i < n - 1) {
            char c = source.charAt(i);
            char d = source.charAt(i + 1);
            if (c == '{' && d == '#') {
                int end = source.indexOf("#}", i + 2);
                i = end < 0 ? n : end + 2;
                continue;
            }
            if (c != '{' || (d != '{' && d != '%')) {
                i++;
                continue;
            }
            String close = d == '{' ? "}}" : "%}";
            int j = i + 2;
            int codeStart = j;
            StringBuilder code = new StringBuilder();
            while (j < n && !source.startsWith(close, j)) {
                char x = source.charAt(j);
                if (x == '\'' || x == '"') {
                    code.append(' ');
                    j++;
                    while (j < n && source.charAt(j) != x) {
                        j += source.charAt(j) == '\\' ? 2 : 1;
                    }
                    j++;
                    continue;
                }
                code.append(x);
                j++;
            }
            String text = code.toString();
            if (d == '%' && text.strip().replaceAll("^-|-$", "").strip().equals("raw")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{%-?\\s*endraw\\s*-?%}").matcher(source);
                i = m.find(j) ? m.end() : n;
                continue;
            }
            out.add(text);
            i = Math.max(j + 2, codeStart);
        }
        return out;
    }

    /**
     * The template of a model folder: {@code tokenizer_config.json}'s {@code chat_template} (a string, or a
     * list of named templates of which "default" is taken), else {@value #TEMPLATE_FILE}. The special tokens
     * come from tokenizer_config.json.
     *
     * @throws CheckpointException naming the file when there is no template or the files cannot be read
     */
    public static JinjaChatTemplate fromFolder(Path folder) {
        Path configPath = folder.resolve(TOKENIZER_CONFIG_FILE);
        JsonObject config = Files.isRegularFile(configPath) ? readJsonObject(configPath) : new JsonObject();
        Map<String, String> tokens = specialTokens(config, configPath);
        JsonElement template = config.get("chat_template");
        if (template != null && !template.isJsonNull()) {
            return new JinjaChatTemplate(templateSource(template, configPath), tokens, configPath);
        }
        Path templateFile = folder.resolve(TEMPLATE_FILE);
        if (Files.isRegularFile(templateFile)) {
            try {
                return new JinjaChatTemplate(Files.readString(templateFile, StandardCharsets.UTF_8), tokens, templateFile);
            } catch (IOException e) {
                throw new CheckpointException(templateFile + ": cannot read the chat template: " + e, e);
            }
        }
        throw new CheckpointException(configPath + ": no chat_template in " + TOKENIZER_CONFIG_FILE
                + (Files.isRegularFile(configPath) ? "" : " (the file does not exist)") + " and no " + TEMPLATE_FILE
                + " in " + folder + "; a base (non-instruct) checkpoint has no chat template: send it raw text,"
                + " or use the instruct checkpoint's tokenizer files");
    }

    /**
     * A template from a {@code tokenizer_config.json} object.
     *
     * @param configPath the file the object came from, named in errors
     * @throws CheckpointException naming the file when {@code chat_template} is missing or malformed
     */
    public static JinjaChatTemplate fromTokenizerConfig(JsonObject config, Path configPath) {
        JsonElement template = config.get("chat_template");
        if (template == null || template.isJsonNull()) {
            throw new CheckpointException(configPath + ": no chat_template in " + TOKENIZER_CONFIG_FILE
                    + "; a base (non-instruct) checkpoint has no chat template");
        }
        return new JinjaChatTemplate(templateSource(template, configPath), specialTokens(config, configPath), configPath);
    }

    private static String templateSource(JsonElement template, Path configPath) {
        if (template.isJsonPrimitive() && template.getAsJsonPrimitive().isString()) {
            return template.getAsString();
        }
        if (template.isJsonArray()) {
            List<String> names = new ArrayList<>();
            for (JsonElement e : (JsonArray) template) {
                if (e.isJsonObject() && e.getAsJsonObject().has("name") && e.getAsJsonObject().has("template")) {
                    String name = e.getAsJsonObject().get("name").getAsString();
                    names.add(name);
                    if ("default".equals(name)) {
                        return e.getAsJsonObject().get("template").getAsString();
                    }
                }
            }
            throw new CheckpointException(configPath + ": chat_template is a list of named templates " + names
                    + " without one named \"default\"");
        }
        throw new CheckpointException(configPath + ": chat_template must be a string (or a list of {name, template}), got "
                + abbreviate(template.toString()));
    }

    /** {@code bos_token}, {@code eos_token}, {@code pad_token}, {@code unk_token} of a tokenizer_config.json object. */
    static Map<String, String> specialTokens(JsonObject config, Path configPath) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : List.of("bos_token", "eos_token", "pad_token", "unk_token")) {
            JsonElement e = config.get(key);
            if (e == null || e.isJsonNull()) {
                continue;
            }
            if (e.isJsonPrimitive()) {
                out.put(key, e.getAsString());
            } else if (e.isJsonObject() && e.getAsJsonObject().has("content")) {
                out.put(key, e.getAsJsonObject().get("content").getAsString());
            } else {
                throw new CheckpointException(configPath + ": '" + key + "' must be a string or an object with 'content'");
            }
        }
        return out;
    }

    /**
     * Whether the template's code reads a {@code tools} variable: such a template renders tools (and tool calls)
     * itself, as Hugging Face's {@code apply_chat_template(messages, tools=...)} expects.
     */
    public boolean rendersTools() {
        return rendersTools;
    }

    /** The Jinja source (one trailing newline dropped). */
    public String source() {
        return source;
    }

    /** The file the template came from. */
    public Path origin() {
        return origin;
    }

    /** The special token variables the template sees ({@code bos_token}, ...). */
    public Map<String, String> specialTokens() {
        return specialTokens;
    }

    /**
     * Renders a conversation.
     *
     * @param addGenerationPrompt the template's {@code add_generation_prompt}: end with the assistant header
     *     (templates that always write it, as LLaDA's does, ignore this)
     * @throws CheckpointException naming the template's file when it fails to render or calls
     *     {@code raise_exception}
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, List.of());
    }

    /**
     * Renders a conversation with tools passed as the template's {@code tools} variable (Hugging Face's
     * {@code apply_chat_template(messages, tools=tools)}); without tools the variable is not set.
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, List<Map<String, Object>> tools) {
        List<Map<String, Object>> maps = new ArrayList<>();
        for (ChatMessage m : messages) {
            maps.add(toMap(m));
        }
        return renderMaps(maps, addGenerationPrompt, tools.isEmpty() ? Map.of() : Map.of("tools", tools));
    }

    /**
     * Renders messages given as maps (role, content and whatever else a template reads), with extra
     * variables (for example {@code tools}); the special tokens and {@code add_generation_prompt} are added.
     */
    public String renderMaps(List<Map<String, Object>> messages, boolean addGenerationPrompt, Map<String, Object> variables) {
        if (problem != null) {
            throw new CheckpointException(problem);
        }
        Map<String, Object> context = new LinkedHashMap<>(specialTokens);
        context.putAll(variables);
        context.put("messages", messages);
        context.put("add_generation_prompt", addGenerationPrompt);
        RenderResult result;
        RAISED.remove();
        try {
            result = jinjava.renderForResult(source, context);
        } catch (RuntimeException e) {
            checkRaised();
            throw new CheckpointException(origin + ": the chat template failed to render: " + e.getMessage(), e);
        }
        checkRaised();
        if (!result.getErrors().isEmpty()) {
            List<String> problems = new ArrayList<>();
            for (TemplateError e : result.getErrors()) {
                if (problems.size() == 3) {
                    problems.add("...");
                    break;
                }
                problems.add("line " + e.getLineno() + ": " + e.getMessage()
                        + (e.getFieldName() == null || e.getFieldName().isEmpty() ? "" : " (" + e.getFieldName() + ")"));
            }
            throw new CheckpointException(origin + ": the chat template failed to render: " + String.join("; ", problems));
        }
        return result.getOutput();
    }

    private void checkRaised() {
        String raised = RAISED.get();
        RAISED.remove();
        if (raised != null) {
            throw new CheckpointException(origin + ": the chat template rejected the conversation: raise_exception(\""
                    + raised + "\")");
        }
    }

    /** The message as Hugging Face passes it to a template. */
    static Map<String, Object> toMap(ChatMessage m) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", m.role().templateName());
        map.put("content", m.content());
        if (m.hasToolCalls()) {
            List<Map<String, Object>> calls = new ArrayList<>();
            for (ToolCall call : m.toolCalls()) {
                Map<String, Object> function = new LinkedHashMap<>();
                function.put("name", call.name());
                function.put("arguments", JSON.fromJson(call.arguments(), Map.class));
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("id", call.id());
                c.put("type", "function");
                c.put("function", function);
                calls.add(c);
            }
            map.put("tool_calls", calls);
        }
        if (m.toolCallId() != null) {
            map.put("tool_call_id", m.toolCallId());
        }
        if (m.toolName() != null) {
            map.put("name", m.toolName());
        }
        return map;
    }

    /** The {@code raise_exception} function of Hugging Face templates (called by Jinjava through EL). */
    public static Object raiseException(Object message) {
        String text = String.valueOf(message);
        if (RAISED.get() == null) {
            RAISED.set(text);
        }
        throw new IllegalStateException(text);
    }

    /** Jinja's {@code trim}: Python's {@code str.strip([chars])}. */
    private static final class PythonTrimFilter implements Filter {
        @Override
        public String getName() {
            return "trim";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) {
                return "";
            }
            String s = var.toString();
            if (args.length == 0 || args[0] == null) {
                return ChatTemplate.strip(s);
            }
            String chars = args[0];
            int begin = 0;
            int end = s.length();
            while (begin < end && chars.indexOf(s.charAt(begin)) >= 0) {
                begin++;
            }
            while (end > begin && chars.indexOf(s.charAt(end - 1)) >= 0) {
                end--;
            }
            return s.substring(begin, end);
        }
    }

    private static JsonObject readJsonObject(Path p) {
        try {
            JsonElement e = JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new CheckpointException(p + ": expected a JSON object");
            }
            return e.getAsJsonObject();
        } catch (IOException e) {
            throw new CheckpointException(p + ": cannot read: " + e, e);
        } catch (JsonParseException e) {
            throw new CheckpointException(p + ": not valid JSON (" + e.getMessage() + ")", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
