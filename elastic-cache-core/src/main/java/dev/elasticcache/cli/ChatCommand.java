package dev.elasticcache.cli;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.DecodingStats;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.FinishReason;
import dev.elasticcache.engine.GenerationListener;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.engine.ModelCard;
import dev.elasticcache.engine.ModelInfo;
import dev.elasticcache.tokenizer.ChatMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code chat}: an interactive conversation. Each input line is a user turn, sent with the whole history as chat
 * messages; the answer streams as its finished prefix grows, followed by one line of statistics. Lines starting
 * with {@code /} are commands ({@link #HELP}). Reads until {@code /exit} or the end of input, so piped input works.
 */
final class ChatCommand {
    static final String SYNOPSIS = "chat [--model DIR|ID] [KNOBS]";
    static final String USAGE = "usage: elastic-cache " + SYNOPSIS + "\n"
            + "  Talks to the model: every line on stdin is a user message, sent with the conversation so far; the\n"
            + "  answer streams as it is decoded, then one line of statistics. /help lists the chat commands.\n"
            + EngineArgs.USAGE;
    static final String HELP = """
            commands:
              /help                this list
              /strategy NAME       decode with llada|fast-dllm|fast-dllm-prefix|fast-dllm-dual|elastic
              /set KNOB VALUE      change a decoding knob, e.g. /set gamma 0.8, /set gen-length 64
                                   knobs: %s
              /show                the current options
              /history             the conversation so far
              /reset               forget the conversation
              /exit                end (so does the end of input)
            """.formatted(String.join(", ", EngineArgs.KNOBS));

    private final ElasticCacheEngine engine;
    private final PrintStream out;
    private final List<ChatMessage> history = new ArrayList<>();
    private DecodingOptions options;

    private ChatCommand(ElasticCacheEngine engine, DecodingOptions options, PrintStream out) {
        this.engine = engine;
        this.options = options;
        this.out = out;
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, boolean echoInput) {
        EngineArgs shared = new EngineArgs();
        DecodingOptions options;
        try {
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help") || flag.equals("-h")) {
                    out.print(USAGE);
                    return 0;
                }
                EngineArgs.requireKnown(flag, List.of(), "chat");
                shared.accept(flag, EngineArgs.valueAfter(args, i++));
            }
            options = shared.options();
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        try (ElasticCacheEngine engine = shared.load(err)) {
            ChatCommand chat = new ChatCommand(engine, options, out);
            chat.banner();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            while (true) {
                out.print("> ");
                out.flush();
                String line = reader.readLine();
                if (line == null) {
                    out.println();
                    break;
                }
                if (echoInput) {
                    out.println(line);
                }
                if (!chat.handle(line.strip())) {
                    break;
                }
            }
            out.println("bye");
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private void banner() {
        ModelInfo info = engine.modelInfo();
        out.printf(Locale.ROOT, "elastic-cache chat: %s (%s parameters) on %s, strategy %s, gen-length %d%n",
                info.name(), info.parameters(), info.device(), options.strategy().id(), options.genLength());
        ModelCard card = info.card();
        if (card.isTaskModel()) {
            out.println("This is a task model: it knows " + String.join(", ", card.families()) + ", not open chat. Try:");
            for (Map.Entry<String, String> e : card.examples().entrySet()) {
                out.println("  " + e.getValue());
            }
            out.println("Earlier turns stay in the prompt and can throw a task model off; /reset starts afresh.");
        }
        out.println("Type a message; /help lists the commands, /exit ends.");
    }

    /** Handles one input line; false when the session ends. */
    boolean handle(String line) {
        if (line.isEmpty()) {
            return true;
        }
        if (!line.startsWith("/")) {
            answer(line);
            return true;
        }
        String[] words = line.split("\\s+", 3);
        switch (words[0]) {
            case "/exit", "/quit" -> {
                return false;
            }
            case "/help" -> out.print(HELP);
            case "/strategy" -> {
                if (words.length != 2) {
                    error("usage: /strategy NAME, e.g. /strategy llada");
                } else {
                    set("strategy", words[1]);
                }
            }
            case "/set" -> {
                if (words.length != 3) {
                    error("usage: /set KNOB VALUE, e.g. /set gamma 0.8; knobs: " + String.join(", ", EngineArgs.KNOBS));
                } else {
                    set(words[1], words[2]);
                }
            }
            case "/show" -> show();
            case "/history" -> history();
            case "/reset" -> {
                int turns = history.size();
                history.clear();
                out.println("history cleared (" + turns + " messages forgotten)");
            }
            default -> error("unknown command " + words[0] + "; /help lists the commands");
        }
        return true;
    }

    private void set(String knob, String value) {
        String name = knob.startsWith("--") ? knob.substring(2) : knob;
        if (!EngineArgs.KNOBS.contains(name)) {
            error("unknown knob '" + knob + "'; knobs: " + String.join(", ", EngineArgs.KNOBS));
            return;
        }
        try {
            DecodingOptions.Builder b = options.mutate();
            EngineArgs.setKnob(b, name, name, value);
            options = b.build().validate();
            out.println(name + " = " + EngineArgs.knobValue(options, name));
        } catch (IllegalArgumentException e) {
            error(e.getMessage() + "; " + name + " stays " + EngineArgs.knobValue(options, name)
                    + " (e.g. /set " + name + " " + EngineArgs.knobValue(options, name) + ")");
        }
    }

    private void show() {
        ModelInfo info = engine.modelInfo();
        out.printf(Locale.ROOT, "  %-16s %s%n", "model", info.name() + " (" + info.folder() + ")");
        out.printf(Locale.ROOT, "  %-16s %s%n", "device", info.device());
        for (String knob : EngineArgs.KNOBS) {
            out.printf(Locale.ROOT, "  %-16s %s%n", knob, EngineArgs.knobValue(options, knob));
        }
        out.printf(Locale.ROOT, "  %-16s %d messages%n", "history", history.size());
    }

    private void history() {
        if (history.isEmpty()) {
            out.println("(no messages yet)");
            return;
        }
        for (ChatMessage m : history) {
            out.println(m.role().templateName() + ": " + m.content());
        }
    }

    private void answer(String text) {
        List<ChatMessage> messages = new ArrayList<>(history);
        messages.add(ChatMessage.user(text));
        GenerationRequest request = GenerationRequest.builder().messages(messages).options(options).build();
        GenerationResult result;
        boolean[] streamed = {false};
        try {
            result = engine.generate(request, new GenerationListener() {
                @Override
                public void onText(String delta) {
                    streamed[0] = true;
                    out.print(delta);
                    out.flush();
                }
            });
        } catch (IllegalArgumentException e) {
            error(e.getMessage() + (history.isEmpty() ? "" : "; /reset forgets the conversation"));
            return;
        } catch (RuntimeException e) {
            error("the generation failed: " + e.getMessage());
            return;
        }
        out.println(streamed[0] ? "" : "(no answer)");
        DecodingStats s = result.stats();
        out.printf(Locale.ROOT, "[%s | NFE %d | %.1f tokens/s | %.2f s | %s]%n", s.strategy().id(), s.nfe(),
                s.tokensPerSecond(), s.wallSeconds(), result.finishReason().name().toLowerCase(Locale.ROOT));
        if (result.finishReason() == FinishReason.EMPTY) {
            result.emptyAnswerHint().ifPresent(hint -> out.println("hint: " + hint));
            out.println("(this exchange is not kept in the history)");
            return;
        }
        history.add(ChatMessage.user(text));
        history.add(ChatMessage.assistant(result.text()));
    }

    private void error(String message) {
        out.println("error: " + message);
    }
}
