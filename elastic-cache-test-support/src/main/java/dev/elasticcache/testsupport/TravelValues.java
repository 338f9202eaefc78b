package dev.elasticcache.testsupport;

import java.util.Random;

/**
 * Random values in the shapes of the travel tasks the shipped tool model was trained on (any letters and digits,
 * so a test's values are new to the model): cities, airport and currency codes, seats, gates, booking records.
 */
public final class TravelValues {
    private final Random random;

    public TravelValues(long seed) {
        this.random = new Random(seed);
    }

    /** {@code n} capital letters. */
    public String letters(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('A' + random.nextInt(26)));
        }
        return s.toString();
    }

    /** {@code n} digits. */
    public String digits(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('0' + random.nextInt(10)));
        }
        return s.toString();
    }

    /** A city name: a capital and 2 to 9 small letters. */
    public String city() {
        StringBuilder s = new StringBuilder(letters(1));
        for (int i = 0, n = 3 + random.nextInt(8); i < n - 1; i++) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    /** A seat: two digits and a letter ({@code 70V}). */
    public String seat() {
        return digits(2) + letters(1);
    }

    /** A gate: a letter and two digits ({@code V71}). */
    public String gate() {
        return letters(1) + digits(2);
    }

    /** One of the four travel classes. */
    public String travelClass() {
        return String.valueOf("YJFW".charAt(random.nextInt(4)));
    }

    /** An amount of 1 to 9999. */
    public int amount() {
        return 1 + random.nextInt(9999);
    }

    /** A bag count, 0 to 9. */
    public int bag() {
        return random.nextInt(10);
    }

    /** The record line the json family reads: {@code id:36291742 from:PSK to:UJX seat:70V gate:V71 class:W bag:7}. */
    public static String recordLine(String id, String from, String to, String seat, String gate, String travelClass, int bag) {
        return "id:" + id + " from:" + from + " to:" + to + " seat:" + seat + " gate:" + gate + " class:" + travelClass
                + " bag:" + bag;
    }
}
