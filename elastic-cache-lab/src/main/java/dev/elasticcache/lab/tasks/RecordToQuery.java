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

    @Override
    public String name() {
        return NAME;
    }

    /** Answers of {@link TaskSuite#SPAN} (59) bytes. */
    @Override
    public Task generate(Random random) {
        String[] values = BookingRecord.draw(random);
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                query.append('&');
            }
            query.append(BookingRecord.FIELDS[i]).append('=').append(values[i]);
        }
        return new Task(NAME, INSTRUCTION + BookingRecord.text(values), query.toString());
    }
}
