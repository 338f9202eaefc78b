package dev.elasticcache.lab.tasks;

import dev.elasticcache.tokenizer.ChatMessage;
import dev.elasticcache.tokenizer.LladaTokenizer;
import java.util.List;

/** Token ids of tasks: the prompt as an Instruct chat turn, the answer as plain text. */
public final class TaskEncoding {
    private final LladaTokenizer tokenizer;

    public TaskEncoding(LladaTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public LladaTokenizer tokenizer() {
        return tokenizer;
    }

    /** BOS, user header, the prompt, end-of-turn, assistant header (the LLaDA Instruct template). */
    public int[] promptIds(Task task) {
        return tokenizer.encodeChat(List.of(ChatMessage.user(task.prompt())));
    }

    /** The answer's ids (one per byte with the byte-level tokenizer), without terminators. */
    public int[] answerIds(Task task) {
        return tokenizer.encode(task.answer());
    }

    /** Decoded answer text of generated ids, cut at the first EOS, end-of-turn or mask token. */
    public String answerText(int[] generated) {
        return tokenizer.decode(Scoring.answerIds(generated, tokenizer.eosTokenId(), tokenizer.eotTokenId(),
                tokenizer.maskTokenId()));
    }
}
