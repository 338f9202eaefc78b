package dev.elasticcache.lab.vision;

import java.util.Map;

/**
 * A 5 x 7 pixel font of the digits and capital letters, drawn for this project: the glyphs of the synthetic
 * reading task. Rendered at any integer scale, plain or bold (each stroke one pixel wider), so the images
 * vary in size and weight without depending on the fonts a machine has installed.
 */
public final class GlyphFont {
    public static final int WIDTH = 5;
    public static final int HEIGHT = 7;
    /** The characters the font draws, in the order of {@link #ROWS}. */
    public static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private static final String[] ROWS = {
        // 0        1        2        3        4        5        6        7        8        9
        ".###. ..#.. .###. ####. ...#. ##### .###. ##### .###. .###.",
        "#...# .##.. #...# ....# ..##. #.... #.... ....# #...# #...#",
        "#..## ..#.. ....# ....# .#.#. ####. #.... ...#. #...# #...#",
        "#.#.# ..#.. ...#. .###. #..#. ....# ####. ..#.. .###. .####",
        "##..# ..#.. ..#.. ....# ##### ....# #...# .#... #...# ....#",
        "#...# ..#.. .#... ....# ...#. #...# #...# .#... #...# ....#",
        ".###. .###. ##### ####. ...#. .###. .###. .#... .###. .###.",
    };
    private static final String[] LETTER_ROWS = {
        // A     B     C     D     E     F     G     H     I     J     K     L     M
        ".###. ####. .###. ####. ##### ##### .###. #...# .###. ..### #...# #.... #...#"
        // N     O     P     Q     R     S     T     U     V     W     X     Y     Z
        + " #...# .###. ####. .###. ####. .###. ##### #...# #...# #...# #...# #...# #####",
        "#...# #...# #...# #...# #.... #.... #...# #...# ..#.. ...#. #..#. #.... ##.##"
        + " ##..# #...# #...# #...# #...# #...# ..#.. #...# #...# #...# #...# #...# ....#",
        "#...# #...# #.... #...# #.... #.... #.... #...# ..#.. ...#. #.#.. #.... #.#.#"
        + " #.#.# #...# #...# #...# #...# #.... ..#.. #...# #...# #...# .#.#. .#.#. ...#.",
        "##### ####. #.... #...# ####. ####. #.### ##### ..#.. ...#. ##... #.... #.#.#"
        + " #..## #...# ####. #...# ####. .###. ..#.. #...# #...# #.#.# ..#.. ..#.. ..#..",
        "#...# #...# #.... #...# #.... #.... #...# #...# ..#.. ...#. #.#.. #.... #...#"
        + " #...# #...# #.... #.#.# #.#.. ....# ..#.. #...# #...# #.#.# .#.#. ..#.. .#...",
        "#...# #...# #...# #...# #.... #.... #...# #...# ..#.. #..#. #..#. #.... #...#"
        + " #...# #...# #.... #..#. #..#. #...# ..#.. #...# .#.#. ##.## #...# ..#.. #....",
        "#...# ####. .###. ####. ##### #.... .###. #...# .###. .##.. #...# ##### #...#"
        + " #...# .###. #.... .##.# #...# .###. ..#.. .###. ..#.. #...# #...# ..#.. #####",
    };
    private static final Map<Character, boolean[][]> GLYPHS = parse();

    private GlyphFont() {
    }

    /** Whether pixel (x, y) of the 5 x 7 glyph of {@code c} is ink. */
    public static boolean ink(char c, int x, int y) {
        boolean[][] g = GLYPHS.get(c);
        if (g == null) {
            throw new IllegalArgumentException("the glyph font draws only " + ALPHABET + ", not '" + c + "'");
        }
        return g[y][x];
    }

    private static Map<Character, boolean[][]> parse() {
        Map<Character, boolean[][]> out = new java.util.HashMap<>();
        String[][] digits = split(ROWS);
        String[][] letters = split(LETTER_ROWS);
        for (int i = 0; i < ALPHABET.length(); i++) {
            String[][] source = i < 10 ? digits : letters;
            int column = i < 10 ? i : i - 10;
            boolean[][] g = new boolean[HEIGHT][WIDTH];
            for (int y = 0; y < HEIGHT; y++) {
                String row = source[y][column];
                if (row.length() != WIDTH) {
                    throw new IllegalStateException("glyph " + ALPHABET.charAt(i) + " row " + y + " is not " + WIDTH + " wide");
                }
                for (int x = 0; x < WIDTH; x++) {
                    g[y][x] = row.charAt(x) == '#';
                }
            }
            out.put(ALPHABET.charAt(i), g);
        }
        return Map.copyOf(out);
    }

    private static String[][] split(String[] rows) {
        String[][] out = new String[rows.length][];
        for (int y = 0; y < rows.length; y++) {
            out[y] = rows[y].trim().split(" ");
        }
        return out;
    }
}
