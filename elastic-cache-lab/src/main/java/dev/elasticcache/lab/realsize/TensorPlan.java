package dev.elasticcache.lab.realsize;

/**
 * One tensor of a checkpoint to write: its name, shape and the distribution its random values are drawn from
 * (uniform with this mean and standard deviation: cheap to draw, and the spread is what keeps activations sane).
 */
public record TensorPlan(String name, long[] shape, double mean, double std) {

    /** Elements. */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** A weight matrix or vector with the project's random-checkpoint scaling, from its name and shape. */
    public static TensorPlan scaled(String name, long[] shape) {
        if (shape.length == 1) {
            boolean norm = name.contains("norm") || name.contains("ln_") || name.endsWith("layernorm.weight");
            return new TensorPlan(name, shape, norm && name.endsWith("weight") ? 1 : 0, norm ? 0.1 : 0.05);
        }
        boolean embedding = name.contains("wte") || name.contains("embed_tokens");
        long fanIn = 1;
        for (int i = 1; i < shape.length; i++) {
            fanIn *= shape[i];
        }
        return new TensorPlan(name, shape, 0, embedding ? 1.0 : 1.5 / Math.sqrt(fanIn));
    }
}
