package dev.elasticcache.structured;

import java.util.HashMap;
import java.util.Map;

/** The choices decided so far, by {@link ChoiceRegion#key()}: candidate index per key. */
public final class Resolution {
    private final Map<String, Integer> chosen = new HashMap<>();

    public Integer get(String key) {
        return chosen.get(key);
    }

    public void put(String key, int candidate) {
        chosen.put(key, candidate);
    }

    public int size() {
        return chosen.size();
    }
}
