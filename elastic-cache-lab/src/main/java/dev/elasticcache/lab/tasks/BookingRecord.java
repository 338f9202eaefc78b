package dev.elasticcache.lab.tasks;

import java.util.Random;

/** The fixed-width booking record shared by the query and JSON families (random codes: nothing to memorise). */
final class BookingRecord {
    private static final String CLASSES = "YJFW";
    /** Field names in record order; {@code bag} is the one number. */
    static final String[] FIELDS = {"id", "from", "to", "seat", "gate", "class", "bag"};

    private BookingRecord() {}

    /** Field values in {@link #FIELDS} order. */
    static String[] draw(Random random) {
        return new String[] {
            Words.digits(random, 8),
            Words.letters(random, 3),
            Words.letters(random, 3),
            Words.digits(random, 2) + Words.letters(random, 1),
            Words.letters(random, 1) + Words.digits(random, 2),
            String.valueOf(CLASSES.charAt(random.nextInt(CLASSES.length()))),
            Words.digits(random, 1),
        };
    }

    /** {@code id:36291742 from:PSK ... bag:7}. */
    static String text(String[] values) {
        StringBuilder record = new StringBuilder();
        for (int i = 0; i < FIELDS.length; i++) {
            if (i > 0) {
                record.append(' ');
            }
            record.append(FIELDS[i]).append(':').append(values[i]);
        }
        return record.toString();
    }
}
