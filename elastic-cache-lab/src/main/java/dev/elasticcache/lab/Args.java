package dev.elasticcache.lab;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Minimal {@code --name value} command-line parsing for the lab's entry points. */
public final class Args {
    private final Map<String, String> values = new HashMap<>();

    private Args() {}

    /** Parses {@code --key value} pairs (or {@code --key=value}); rejects unknown keys. */
    public static Args parse(String[] argv, Set<String> known) {
        Args a = new Args();
        for (int i = 0; i < argv.length; i++) {
            String s = argv[i];
            if (!s.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + s + "'");
            }
            String key;
            String value;
            int eq = s.indexOf('=');
            if (eq > 0) {
                key = s.substring(2, eq);
                value = s.substring(eq + 1);
            } else {
                key = s.substring(2);
                if (i + 1 >= argv.length) {
                    throw new IllegalArgumentException("--" + key + " needs a value");
                }
                value = argv[++i];
            }
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key + "; known: " + new java.util.TreeSet<>(known));
            }
            a.values.put(key, value);
        }
        return a;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public String get(String key, String def) {
        return values.getOrDefault(key, def);
    }

    public int getInt(String key, int def) {
        return values.containsKey(key) ? Integer.parseInt(values.get(key)) : def;
    }

    public long getLong(String key, long def) {
        return values.containsKey(key) ? Long.parseLong(values.get(key)) : def;
    }

    public double getDouble(String key, double def) {
        return values.containsKey(key) ? Double.parseDouble(values.get(key)) : def;
    }
}
