package dev.elasticcache.structured;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.elasticcache.TokenIds;
import dev.elasticcache.structured.SchemaNode.ArrayNode;
import dev.elasticcache.structured.SchemaNode.BooleanNode;
import dev.elasticcache.structured.SchemaNode.EnumNode;
import dev.elasticcache.structured.SchemaNode.IntegerNode;
import dev.elasticcache.structured.SchemaNode.NullNode;
import dev.elasticcache.structured.SchemaNode.NullableNode;
import dev.elasticcache.structured.SchemaNode.NumberNode;
import dev.elasticcache.structured.SchemaNode.ObjectNode;
import dev.elasticcache.structured.SchemaNode.Property;
import dev.elasticcache.structured.SchemaNode.StringNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lays a compiled schema out as compact JSON text with fixed-width holes, in three uses that walk the schema the
 * same way, so positions always agree:
 * <ul>
 *   <li>{@link #canvas}: the template for decoding (slots and undecided choices masked);
 *   <li>{@link #read}: the document from a decoded canvas (values canonicalised: valid by construction);
 *   <li>{@link #render}: a known document written into the layout (training data: what the canvas looks like
 *       when filled).
 * </ul>
 * Every choice region is as wide as its widest candidate and a decided choice is padded to that width, so a
 * schema's canvas has one length whatever is chosen.
 */
public final class CanvasBuilder {
    private final InfillFormat format;
    private final Map<String, int[]> fixedCache = new HashMap<>();

    public CanvasBuilder(InfillFormat format) {
        this.format = format;
    }

    public InfillFormat format() {
        return format;
    }

    /** The canvas of {@code root} under the choices decided so far. */
    public Canvas canvas(SchemaNode root, Resolution resolution) {
        Emitter e = new Emitter(resolution, null);
        e.emit(root, "$", null);
        return new Canvas(e.out.stream().mapToInt(Integer::intValue).toArray(), e.slots, e.choices);
    }

    /** The canvas tokens of {@code root} filled with {@code value} (which must fit the schema and the slot widths). */
    public int[] render(SchemaNode root, JsonElement value) {
        Emitter e = new Emitter(new Resolution(), null);
        e.emit(root, "$", value);
        return e.out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The document of a fully decided canvas, whose decoded tokens are {@code decoded} (same length). */
    public JsonElement read(SchemaNode root, Resolution resolution, int[] decoded) {
        Canvas c = canvas(root, resolution);
        if (!c.choices().isEmpty()) {
            throw new IllegalStateException("canvas still has " + c.choices().size() + " undecided choices");
        }
        Map<String, Slot> slots = new HashMap<>();
        for (Slot s : c.slots()) {
            slots.put(s.path(), s);
        }
        return new Reader(resolution, slots, decoded).read(root, "$");
    }

    /** Number of canvas positions of {@code node}. */
    public int width(SchemaNode node) {
        Emitter e = new Emitter(new Resolution(), null);
        e.emit(node, "$", null);
        return e.out.size();
    }

    private int[] fixed(String text) {
        return fixedCache.computeIfAbsent(text, format::encode);
    }

    /** A JSON literal's text: strings quoted and escaped, numbers and keywords as they are. */
    static String literal(JsonElement value) {
        return value.toString();
    }

    private final class Emitter {
        final Resolution resolution;
        final List<Integer> out = new ArrayList<>();
        final List<Slot> slots = new ArrayList<>();
        final List<ChoiceRegion> choices = new ArrayList<>();

        Emitter(Resolution resolution, Object unused) {
            this.resolution = resolution;
        }

        void text(String s) {
            for (int id : fixed(s)) {
                out.add(id);
            }
        }

        void tokens(int[] ids) {
            for (int id : ids) {
                out.add(id);
            }
        }

        /** Emits {@code node}; with a {@code value} the layout is filled with it (render), else masked. */
        void emit(SchemaNode node, String path, JsonElement value) {
            if (node instanceof ObjectNode o) {
                JsonObject obj = value == null ? null : value.getAsJsonObject();
                text("{");
                for (int i = 0; i < o.properties().size(); i++) {
                    Property p = o.properties().get(i);
                    text((i > 0 ? "," : "") + new JsonPrimitive(p.name()) + ":");
                    JsonElement child = obj == null ? null : obj.get(p.name());
                    if (obj != null && child == null) {
                        throw new IllegalArgumentException("value lacks property " + path + "." + p.name());
                    }
                    emit(p.schema(), path + "." + p.name(), child);
                }
                text("}");
            } else if (node instanceof StringNode s) {
                text("\"");
                slot(new Slot(path, SlotKind.STRING, out.size(), s.tokens(), s.minLength(), s.maxLength()),
                        value == null ? null : value.getAsString());
                text("\"");
            } else if (node instanceof IntegerNode n) {
                slot(new Slot(path, SlotKind.INTEGER, out.size(), n.tokens(), 1, -1),
                        value == null ? null : value.getAsBigInteger().toString());
            } else if (node instanceof NumberNode n) {
                slot(new Slot(path, SlotKind.NUMBER, out.size(), n.tokens(), 1, -1),
                        value == null ? null : value.getAsBigDecimal().toPlainString());
            } else if (node instanceof BooleanNode) {
                literalChoice(path, List.of(new JsonPrimitive(true), new JsonPrimitive(false)), value);
            } else if (node instanceof EnumNode en) {
                literalChoice(path, en.values(), value);
            } else if (node instanceof NullNode) {
                text("null");
            } else if (node instanceof NullableNode n) {
                nullable(n, path, value);
            } else {
                array((ArrayNode) node, path, value);
            }
        }

        private void slot(Slot slot, String valueText) {
            if (valueText == null) {
                slots.add(slot);
                for (int i = 0; i < slot.width(); i++) {
                    out.add(format.maskId());
                }
            } else {
                tokens(format.pad(format.encode(valueText), slot.width()));
            }
        }

        private void literalChoice(String key, List<JsonElement> values, JsonElement value) {
            List<int[]> candidates = new ArrayList<>();
            for (JsonElement v : values) {
                candidates.add(fixed(literal(v)));
            }
            int width = candidates.stream().mapToInt(c -> c.length).max().orElse(0);
            Integer chosen = value != null ? Integer.valueOf(indexOf(values, value, key)) : resolution.get(key);
            if (chosen != null) {
                tokens(format.pad(candidates.get(chosen), width));
                return;
            }
            List<int[]> padded = new ArrayList<>();
            for (int[] c : candidates) {
                padded.add(format.pad(c, width));
            }
            region(key, padded);
        }

        private int indexOf(List<JsonElement> values, JsonElement value, String path) {
            int i = values.indexOf(value);
            if (i < 0) {
                throw new IllegalArgumentException("value " + value + " at " + path + " is not one of " + values);
            }
            return i;
        }

        private void nullable(NullableNode n, String path, JsonElement value) {
            String key = path + "?";
            int[] nullTokens = fixed("null");
            int[] preview = preview(n.inner(), path);
            int width = Math.max(nullTokens.length, preview.length);
            Integer chosen = value != null ? Integer.valueOf(value.isJsonNull() ? 0 : 1) : resolution.get(key);
            if (chosen == null) {
                region(key, List.of(format.pad(nullTokens, width), padUnknown(preview, width)));
            } else if (chosen == 0) {
                tokens(format.pad(nullTokens, width));
            } else {
                padded(width, preview.length, () -> emit(n.inner(), path, value));
            }
        }

        private void array(ArrayNode a, String path, JsonElement value) {
            JsonArray items = value == null ? null : value.getAsJsonArray();
            if (items != null && (items.size() > a.maxItems() || items.size() < a.minItems())) {
                throw new IllegalArgumentException("array at " + path + " has " + items.size() + " items, allowed "
                        + a.minItems() + ".." + a.maxItems());
            }
            text("[");
            boolean ended = false;
            for (int k = 0; k < a.maxItems(); k++) {
                String itemPath = path + "[" + k + "]";
                String comma = k > 0 ? "," : "";
                JsonElement item = items == null || k >= items.size() ? null : items.get(k);
                if (k < a.minItems()) {
                    text(comma);
                    emit(a.items(), itemPath, item);
                    continue;
                }
                String key = itemPath + "+";
                int[] present = TokenIds.concat(fixed(comma), preview(a.items(), itemPath));
                int width = present.length;
                Integer chosen = items != null ? Integer.valueOf(k < items.size() ? 1 : 0) : ended ? Integer.valueOf(0)
                        : resolution.get(key);
                if (chosen == null) {
                    region(key, List.of(format.pad(new int[0], width), padUnknown(present, width)));
                } else if (chosen == 0) {
                    ended = true;   // items after an absent one are absent too: no holes in an array
                    tokens(format.pad(new int[0], width));
                } else {
                    text(comma);
                    emit(a.items(), itemPath, item);
                }
            }
            text("]");
        }

        /** Emits {@code body} (of {@code bodyWidth} positions) padded with fillers to {@code width}. */
        private void padded(int width, int bodyWidth, Runnable body) {
            int gap = width - bodyWidth;
            if (format.alignment() == Alignment.RIGHT) {
                fillers(gap);
            }
            body.run();
            if (format.alignment() == Alignment.LEFT) {
                fillers(gap);
            }
        }

        private void fillers(int n) {
            for (int i = 0; i < n; i++) {
                out.add(format.filler());
            }
        }

        private void region(String key, List<int[]> candidates) {
            choices.add(new ChoiceRegion(key, out.size(), candidates));
            for (int i = 0; i < candidates.get(0).length; i++) {
                out.add(format.maskId());
            }
        }

        /** The tokens of {@code node} with nothing decided: -1 where a slot or a choice will go. */
        private int[] preview(SchemaNode node, String path) {
            Emitter e = new Emitter(new Resolution(), null);
            e.emit(node, path, null);
            int[] t = e.out.stream().mapToInt(Integer::intValue).toArray();
            for (int i = 0; i < t.length; i++) {
                if (t[i] == format.maskId()) {
                    t[i] = -1;
                }
            }
            return t;
        }

        private int[] padUnknown(int[] preview, int width) {
            int[] out = format.pad(new int[0], width);
            System.arraycopy(preview, 0, out, format.alignment() == Alignment.LEFT ? 0 : width - preview.length, preview.length);
            return out;
        }
    }

    /** Reads a decided canvas back into a document, canonicalising every value. */
    private final class Reader {
        private final Resolution resolution;
        private final Map<String, Slot> slots;
        private final int[] decoded;

        Reader(Resolution resolution, Map<String, Slot> slots, int[] decoded) {
            this.resolution = resolution;
            this.slots = slots;
            this.decoded = decoded;
        }

        JsonElement read(SchemaNode node, String path) {
            if (node instanceof ObjectNode o) {
                JsonObject obj = new JsonObject();
                for (Property p : o.properties()) {
                    obj.add(p.name(), read(p.schema(), path + "." + p.name()));
                }
                return obj;
            } else if (node instanceof StringNode s) {
                return new JsonPrimitive(ValueText.string(slotText(path), s.maxLength()));
            } else if (node instanceof IntegerNode n) {
                return new JsonPrimitive(ValueText.clamp(new BigInteger(ValueText.integer(slotText(path))), n.minimum(),
                        n.maximum()));
            } else if (node instanceof NumberNode n) {
                return new JsonPrimitive(ValueText.clamp(new BigDecimal(ValueText.number(slotText(path))), n.minimum(),
                        n.maximum()));
            } else if (node instanceof BooleanNode) {
                return new JsonPrimitive(resolution.get(path) == 0);
            } else if (node instanceof EnumNode en) {
                return en.values().get(resolution.get(path)).deepCopy();
            } else if (node instanceof NullNode) {
                return JsonNull.INSTANCE;
            } else if (node instanceof NullableNode n) {
                return resolution.get(path + "?") == 0 ? JsonNull.INSTANCE : read(n.inner(), path);
            }
            ArrayNode a = (ArrayNode) node;
            JsonArray arr = new JsonArray();
            for (int k = 0; k < a.maxItems(); k++) {
                String itemPath = path + "[" + k + "]";
                if (k >= a.minItems() && !Integer.valueOf(1).equals(resolution.get(itemPath + "+"))) {
                    break;
                }
                arr.add(read(a.items(), itemPath));
            }
            return arr;
        }

        private String slotText(String path) {
            Slot s = slots.get(path);
            int[] ids = java.util.Arrays.copyOfRange(decoded, s.start(), s.start() + s.width());
            return format.text().decode(format.valueIds(ids));
        }
    }
}
