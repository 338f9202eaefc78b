package dev.elasticcache.hub;

import java.util.regex.Pattern;

/**
 * A model on the Hugging Face Hub as model cards and Python tools name it: {@code OWNER/NAME}, optionally
 * {@code @REVISION} (a branch, a tag or a 40-hex commit; {@code main} when absent).
 */
public record ModelId(String owner, String name, String revision) {
    /** The branch a name without {@code @REVISION} means. */
    public static final String DEFAULT_REVISION = "main";
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,95})");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    public ModelId {
        if (owner == null || !PART.matcher(owner).matches() || name == null || !PART.matcher(name).matches()
                || owner.contains("..") || name.contains("..")) {
            throw new IllegalArgumentException("'" + owner + "/" + name + "' is not a Hugging Face model id; write "
                    + "OWNER/NAME[@REVISION], e.g. GSAI-ML/LLaDA-8B-Instruct or Dream-org/Dream-v0-Instruct-7B@main");
        }
        revision = revision == null ? DEFAULT_REVISION : revision;
        if (revision.isBlank() || revision.chars().anyMatch(Character::isWhitespace) || revision.contains("..")) {
            throw new IllegalArgumentException("'" + revision + "' is not a revision of " + owner + "/" + name
                    + "; use a branch (main), a tag or a 40-hex commit after @");
        }
    }

    /**
     * Parses {@code OWNER/NAME[@REVISION]}.
     *
     * @throws IllegalArgumentException with the expected form, for anything else
     */
    public static ModelId parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a model id is needed: OWNER/NAME[@REVISION]");
        }
        String s = text.strip();
        String revision = null;
        int at = s.indexOf('@');
        if (at >= 0) {
            revision = s.substring(at + 1);
            s = s.substring(0, at);
        }
        int slash = s.indexOf('/');
        if (slash < 0 || s.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("'" + text + "' is not a Hugging Face model id; write OWNER/NAME[@REVISION],"
                    + " e.g. GSAI-ML/LLaDA-8B-Instruct");
        }
        return new ModelId(s.substring(0, slash), s.substring(slash + 1), revision);
    }

    /** Whether {@code text} has the form of an id (it may still name a local folder: callers look there first). */
    public static boolean looksLikeId(String text) {
        try {
            parse(text);
            return !text.startsWith(".") && !text.startsWith("/") && !text.startsWith("~");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code OWNER/NAME}, as in the Hub's URLs. */
    public String repo() {
        return owner + "/" + name;
    }

    /** Whether the revision is a full commit hash (it needs no {@code refs/} entry). */
    public boolean pinned() {
        return COMMIT.matcher(revision).matches();
    }

    /** This model at another revision. */
    public ModelId at(String newRevision) {
        return new ModelId(owner, name, newRevision);
    }

    /** The folder of this repository in the Hub's cache layout: {@code models--OWNER--NAME}. */
    public String cacheFolderName() {
        return "models--" + owner + "--" + name;
    }

    @Override
    public String toString() {
        return DEFAULT_REVISION.equals(revision) ? repo() : repo() + "@" + revision;
    }
}
