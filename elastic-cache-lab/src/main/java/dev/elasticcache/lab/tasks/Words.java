package dev.elasticcache.lab.tasks;

import java.util.List;
import java.util.Random;

/** Small word lists the task families draw from. */
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

    /** {@code min..max} words drawn with repetition from {@link #COMMON}. */
    static List<String> commonWords(Random random, int min, int max) {
        int n = min + random.nextInt(max - min + 1);
        List<String> words = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            words.add(pick(COMMON, random));
        }
        return words;
    }

    static String pick(List<String> words, Random random) {
        return words.get(random.nextInt(words.size()));
    }
}
