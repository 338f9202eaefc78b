package dev.elasticcache.structured;

import java.util.List;

/**
 * An answer canvas: template tokens with the mask id at every slot position and every undecided choice region.
 *
 * @param tokens the canvas ids (positions relative to its start)
 * @param slots the value slots, in canvas order
 * @param choices the undecided choices, in canvas order (empty once every choice is made)
 */
public record Canvas(int[] tokens, List<Slot> slots, List<ChoiceRegion> choices) {
    public Canvas {
        slots = List.copyOf(slots);
        choices = List.copyOf(choices);
    }

    public int length() {
        return tokens.length;
    }
}
