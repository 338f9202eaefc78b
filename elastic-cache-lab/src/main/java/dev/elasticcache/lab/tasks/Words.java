package dev.elasticcache.lab.tasks;

import java.util.List;
import java.util.Random;

/** Small word lists and random codes the task families draw from. */
final class Words {
    private Words() {}

    /** Common short English words (3 to 6 letters), all distinct. */
    static final List<String> COMMON = List.of(
            "apple", "river", "stone", "cloud", "green", "house", "light", "tiger", "bread", "chair",
            "dream", "earth", "flame", "grape", "heart", "lemon", "music", "night", "ocean", "piano",
            "queen", "robot", "sugar", "table", "water", "zebra", "moon", "star", "tree", "bird",
            "fish", "lamp", "rain", "snow", "wind", "book", "door", "road", "ship", "king",
            "cat", "dog", "sun", "cup", "box", "hat");

    /** Five-letter English words, all distinct: the fixed-width vocabulary of {@link UppercaseWords}. */
    static final List<String> FIVE_LETTER = List.of(
            "apple", "river", "stone", "cloud", "green", "house", "light", "tiger", "bread", "chair",
            "dream", "earth", "flame", "grape", "heart", "lemon", "music", "night", "ocean", "piano",
            "queen", "robot", "sugar", "table", "water", "zebra", "beach", "candy", "dance", "eagle",
            "field", "glass", "horse", "igloo", "juice", "knife", "lunch", "mango", "north", "olive",
            "pearl", "quiet", "radio", "smile", "train", "uncle", "voice", "whale", "youth", "angel",
            "brick", "crown", "daisy", "frost", "giant", "honey", "jelly", "koala", "maple", "noble");

    static final List<String> NAMES = List.of(
            "alice", "bob", "carol", "dave", "emma", "frank", "grace", "henry", "irene", "jack",
            "karen", "liam", "maria", "noah", "olga", "paul", "quinn", "rosa", "sam", "tina",
            "uma", "victor", "wendy", "xavier", "yara", "zoe");

    static final List<String> CITIES = List.of(
            "paris", "london", "berlin", "madrid", "rome", "vienna", "oslo", "dublin", "lisbon", "prague",
            "warsaw", "athens", "cairo", "tokyo", "seoul", "lima", "quito", "boston", "denver", "miami");

    static final List<String> JOBS = List.of(
            "baker", "doctor", "pilot", "nurse", "farmer", "lawyer", "painter", "teacher", "writer", "chef",
            "dentist", "plumber", "singer", "tailor", "judge", "sailor");

    static final List<String> COLORS = List.of(
            "red", "blue", "green", "yellow", "purple", "orange", "black", "white", "pink", "brown", "gray", "teal");

    static final List<String> PETS = List.of(
            "cat", "dog", "parrot", "rabbit", "hamster", "turtle", "goldfish", "lizard", "horse", "snake");

    /** {@code n} words drawn with repetition from {@code words}. */
    static List<String> pick(List<String> words, int n, Random random) {
        List<String> out = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(pick(words, random));
        }
        return out;
    }

    /** {@code n} random decimal digits. */
    static String digits(Random random, int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append((char) ('0' + random.nextInt(10)));
        }
        return s.toString();
    }

    /** {@code n} random upper-case letters A-Z. */
    static String letters(Random random, int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append((char) ('A' + random.nextInt(26)));
        }
        return s.toString();
    }

    /** {@code n} random lower-case letters a-z. */
    static String lowercase(Random random, int n) {
        return letters(random, n).toLowerCase(java.util.Locale.ROOT);
    }

    static String pick(List<String> words, Random random) {
        return words.get(random.nextInt(words.size()));
    }
}
