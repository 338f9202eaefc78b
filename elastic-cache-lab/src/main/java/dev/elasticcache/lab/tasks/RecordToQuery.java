package dev.elasticcache.lab.tasks;

import java.util.Random;

/**
 * "Record to query string: id:58213046 from:AMS to:JFK seat:12C gate:B07 class:Y bag:2" →
 * "id=58213046&amp;from=AMS&amp;to=JFK&amp;seat=12C&amp;gate=B07&amp;class=Y&amp;bag=2": a structured rewrite of a fixed-width
 * booking record with random codes (so it cannot be memorised) into URL query syntax.
 */
public final class RecordToQuery implements TaskFamily {
    public static final String NAME = "query";
    public static final String INSTRUCTION = "Record to query string: ";

    private static final String CLASSES = "YJFW";

    @Override
    public String name() {
        return NAME;
    }

    /** Answers of {@link TaskSuite#SPAN} (59) bytes. */
    @Override
    public Task generate(Random random) {
        String[][] fields = {
            {"id", Words.digits(random, 8)},
            {"from", Words.letters(random, 3)},
            {"to", Words.letters(random, 3)},
            {"seat", Words.digits(random, 2) + Words.letters(random, 1)},
            {"gate", Words.letters(random, 1) + Words.digits(random, 2)},
            {"class", String.valueOf(CLASSES.charAt(random.nextInt(CLASSES.length())))},
            {"bag", Words.digits(random, 1)},
        };
        StringBuilder record = new StringBuilder();
        StringBuilder query = new StringBuilder();
        for (String[] field : fields) {
            if (!record.isEmpty()) {
                record.append(' ');
                query.append('&');
            }
            record.append(field[0]).append(':').append(field[1]);
            query.append(field[0]).append('=').append(field[1]);
        }
        return new Task(NAME, INSTRUCTION + record, query.toString());
    }
}
