package dev.elasticcache.samples.chat;

import dev.elasticcache.samples.chat.ChatApi.ToolRun;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.metadata.ToolMetadata;

/**
 * A tool callback that reports every execution (tool, arguments, result) to a listener, so an answer can show
 * the calls Spring AI's tool loop made on its way. Everything else is the wrapped callback's.
 */
final class RecordingToolCallback implements ToolCallback {
    private final ToolCallback delegate;
    private final Consumer<ToolRun> listener;

    private RecordingToolCallback(ToolCallback delegate, Consumer<ToolRun> listener) {
        this.delegate = delegate;
        this.listener = listener;
    }

    /** Each callback wrapped, reporting to {@code listener}. */
    static List<ToolCallback> wrap(List<ToolCallback> callbacks, Consumer<ToolRun> listener) {
        return callbacks.stream().<ToolCallback>map(c -> new RecordingToolCallback(c, listener)).toList();
    }

    @Override
    public ToolDefinition getToolDefinition() {
        return delegate.getToolDefinition();
    }

    @Override
    public ToolMetadata getToolMetadata() {
        return delegate.getToolMetadata();
    }

    @Override
    public String call(String toolInput) {
        return call(toolInput, null);
    }

    @Override
    public String call(String toolInput, @Nullable ToolContext toolContext) {
        String name = delegate.getToolDefinition().name();
        String result;
        try {
            result = toolContext == null ? delegate.call(toolInput) : delegate.call(toolInput, toolContext);
        } catch (RuntimeException e) {
            listener.accept(new ToolRun(name, toolInput, "failed: " + ApiErrors.messageOf(e)));
            throw e;
        }
        listener.accept(new ToolRun(name, toolInput, result));
        return result;
    }
}
