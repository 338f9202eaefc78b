package dev.elasticcache.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.model.ForwardingDiffusionModel;
import dev.elasticcache.model.TensorOps;

/**
 * One request's model with its images in the prompt: the prompt holds a placeholder id {@code base + r} for image
 * row r (ids past the head, which no decoder ever emits), and the embedding of such an id is that image row, as
 * LLaDA-V splices the projected image features where {@code <image>} stood. Everything else, caches included,
 * sees the image rows as ordinary prompt rows; close it to free the rows.
 */
public final class ImageRowsModel extends ForwardingDiffusionModel {
    private final int base;
    private final NDManager rowsScope;
    private final NDArray rows;
    private final int count;

    /**
     * @param rows the image rows of the request in prompt order, [R, hidden], row-major
     * @param base the placeholder id of row 0 (at least the model's logits width)
     */
    public ImageRowsModel(DiffusionModel model, float[] rows, int base) {
        super(model);
        if (base < model.logitsWidth()) {
            throw new IllegalArgumentException("image placeholder ids must start past the head's " + model.logitsWidth()
                    + " rows, got " + base);
        }
        if (rows.length % model.hiddenSize() != 0) {
            throw new IllegalArgumentException(rows.length + " image values are not whole rows of " + model.hiddenSize());
        }
        this.base = base;
        this.count = rows.length / model.hiddenSize();
        this.rowsScope = model.manager().newSubManager();
        this.rows = rowsScope.create(rows, new ai.djl.ndarray.types.Shape(count, model.hiddenSize()));
    }

    /** Placeholder ids of this request's image rows: base, base + 1, ... */
    public static int[] placeholders(int base, int from, int count) {
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            ids[i] = base + from + i;
        }
        return ids;
    }

    /** Text rows as the model embeds them; placeholder rows replaced by their image rows. */
    @Override
    public NDArray embed(NDArray ids) {
        long[] v = ids.toLongArray();
        int images = 0;
        for (long id : v) {
            images += id >= base ? 1 : 0;
        }
        if (images == 0) {
            return model.embed(ids);
        }
        long[] text = v.clone();
        int[] at = new int[images];
        int[] which = new int[images];
        for (int i = 0, k = 0; i < v.length; i++) {
            if (v[i] >= base) {
                int r = Math.toIntExact(v[i] - base);
                if (r >= count) {
                    throw new IllegalArgumentException("image placeholder " + v[i] + " past the request's " + count + " image rows");
                }
                at[k] = i;
                which[k++] = r;
                text[i] = model.maskTokenId();
            }
        }
        NDManager scope = ids.getManager();
        NDArray out = model.embed(scope.create(text));
        out.set(new NDIndex("{}", TensorOps.indices(scope, at)), rows.get(scope, new NDIndex("{}", TensorOps.indices(scope, which))));
        return out;
    }

    @Override
    public void close() {
        rowsScope.close();
    }

    @Override
    public String toString() {
        return "ImageRowsModel[" + count + " image rows from id " + base + "]";
    }
}
