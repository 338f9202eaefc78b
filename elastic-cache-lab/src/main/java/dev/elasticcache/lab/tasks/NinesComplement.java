package dev.elasticcache.lab.tasks;

import java.util.Random;

/**
 * "Nines' complement of this number: 4821..." (59 digits) → "5178...": every digit d becomes 9 - d, the step
 * that turns subtraction into addition in decimal machine arithmetic.
 */
public final class NinesComplement implements TaskFamily {
    public static final String NAME = "complement";
    public static final String INSTRUCTION = "Nines' complement of this number: ";

    @Override
    public String name() {
        return NAME;
    }

    /** Answers of {@link TaskSuite#SPAN} (59) digits. */
    @Override
    public Task generate(Random random) {
        String number = Words.digits(random, TaskSuite.SPAN);
        StringBuilder complement = new StringBuilder(TaskSuite.SPAN);
        for (char d : number.toCharArray()) {
            complement.append((char) ('9' - d + '0'));
        }
        return new Task(NAME, INSTRUCTION + number, complement.toString());
    }
}
