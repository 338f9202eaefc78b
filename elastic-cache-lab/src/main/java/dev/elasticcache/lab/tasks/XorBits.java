package dev.elasticcache.lab.tasks;

import java.util.Random;

/**
 * "XOR these bit strings: 0110... 1100..." (two 59-bit strings) → their bitwise exclusive or: binary
 * arithmetic where every answer digit needs two digits of the prompt, one from each operand.
 */
public final class XorBits implements TaskFamily {
    public static final String NAME = "xor";
    public static final String INSTRUCTION = "XOR these bit strings: ";
    public static final int BITS = TaskSuite.SPAN;

    @Override
    public String name() {
        return NAME;
    }

    /** Answers of {@link TaskSuite#SPAN} (59) bytes, aligned with the second operand. */
    @Override
    public Task generate(Random random) {
        StringBuilder a = new StringBuilder(BITS);
        StringBuilder b = new StringBuilder(BITS);
        StringBuilder xor = new StringBuilder(BITS);
        for (int i = 0; i < BITS; i++) {
            boolean x = random.nextBoolean();
            boolean y = random.nextBoolean();
            a.append(x ? '1' : '0');
            b.append(y ? '1' : '0');
            xor.append(x ^ y ? '1' : '0');
        }
        return new Task(NAME, INSTRUCTION + a + " " + b, xor.toString());
    }
}
