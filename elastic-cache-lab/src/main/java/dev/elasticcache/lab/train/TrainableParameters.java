package dev.elasticcache.lab.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named trainable tensors with their AdamW state: the native arrays autograd differentiates through, a float
 * copy of their values for the optimizer, gradient clipping by global norm. Shared by the text and the
 * vision-language trainers; close to free the arrays.
 */
public final class TrainableParameters implements AutoCloseable {
    private final NDManager manager;
    private final List<String> names;
    private final Map<String, long[]> shapes;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();
    private final float[][] values;
    private final AdamW adam;

    /**
     * @param shapes  every tensor's name and shape, in checkpoint order; vectors are not weight-decayed
     * @param initial the starting values by name (copied)
     */
    public TrainableParameters(Map<String, long[]> shapes, Map<String, float[]> initial, double beta1, double beta2) {
        this.shapes = new LinkedHashMap<>(shapes);
        this.names = List.copyOf(shapes.keySet());
        this.manager = NDManager.newBaseManager(Device.cpu());
        this.values = new float[names.size()][];
        int[] sizes = new int[names.size()];
        boolean[] decay = new boolean[names.size()];
        try {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                float[] init = initial.get(name);
                long[] shape = shapes.get(name);
                if (init == null || init.length != Math.toIntExact(new Shape(shape).size())) {
                    throw new IllegalArgumentException("initial weights lack " + name + " or have the wrong size");
                }
                values[i] = init.clone();
                NDArray p = manager.create(values[i], new Shape(shape));
                p.setRequiresGradient(true);
                arrays.put(name, p);
                sizes[i] = values[i].length;
                decay[i] = shape.length > 1;
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        this.adam = new AdamW(sizes, decay, beta1, beta2, 1e-8);
    }

    /** The trainable array of {@code name} (null when there is none). */
    public NDArray get(String name) {
        return arrays.get(name);
    }

    public Map<String, long[]> shapes() {
        return shapes;
    }

    /** A scope for one step's temporaries (or an inference model's fused arrays). */
    public NDManager newScope() {
        return manager.newSubManager();
    }

    /**
     * Reads and zeroes the gradients, clips them by global norm to {@code clipNorm}, applies AdamW; returns the norm.
     * A step whose gradient is not finite changes nothing (its norm, NaN or infinite, is returned).
     */
    public double applyGradients(double lr, double clipNorm, double weightDecay) {
        return applyGradients(lr, clipNorm, weightDecay, name -> 1.0);
    }

    /** {@link #applyGradients(double, double, double)} with the learning rate of each tensor scaled by {@code lrScale}. */
    public double applyGradients(double lr, double clipNorm, double weightDecay,
            java.util.function.ToDoubleFunction<String> lrScale) {
        float[][] grads = new float[names.size()][];
        double sq = 0;
        for (int i = 0; i < names.size(); i++) {
            try (NDArray g = arrays.get(names.get(i)).getGradient()) {
                grads[i] = g.toFloatArray();
                g.muli(0f);
            }
            for (float x : grads[i]) {
                sq += (double) x * x;
            }
        }
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(norm)) {
            // A non-finite gradient (overflow in one batch) is dropped. NaN * 0 is NaN, so zeroing would keep it
            // in every later gradient: the arrays are made anew from the (unchanged) values instead.
            renewArrays();
            return norm;
        }
        float scale = norm > clipNorm ? (float) (clipNorm / norm) : 1f;
        adam.beginStep();
        for (int i = 0; i < names.size(); i++) {
            float[] g = grads[i];
            if (scale != 1f) {
                for (int j = 0; j < g.length; j++) {
                    g[j] *= scale;
                }
            }
            float[] delta = adam.update(i, g, values[i], lr * lrScale.applyAsDouble(names.get(i)), weightDecay);
            float[] v = values[i];
            for (int j = 0; j < v.length; j++) {
                v[j] -= delta[j];
            }
            NDArray p = arrays.get(names.get(i));
            try (NDArray d = manager.create(delta, p.getShape())) {
                p.subi(d);
            }
        }
        return norm;
    }

    private void renewArrays() {
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            NDArray old = arrays.get(name);
            NDArray fresh = manager.create(values[i], old.getShape());
            fresh.setRequiresGradient(true);
            arrays.put(name, fresh);
            old.close();
        }
    }

    /** The current values, read back from the native arrays, in checkpoint order. */
    public Map<String, float[]> values() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String name : names) {
            out.put(name, arrays.get(name).toFloatArray());
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
