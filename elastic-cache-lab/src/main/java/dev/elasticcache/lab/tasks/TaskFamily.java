package dev.elasticcache.lab.tasks;

import java.util.Random;

/** A generator of one kind of synthetic task; deterministic given the {@link Random} state. */
public interface TaskFamily {

    /** Short name used in reports (e.g. {@code reverse}). */
    String name();

    /** A new random task drawn from {@code random}. */
    Task generate(Random random);
}
