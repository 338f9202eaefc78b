package dev.elasticcache.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;

/**
 * The SigLIP vision transformer as LLaDA-V runs it ({@code SigLipVisionTower.forward}): patch embedding
 * (a stride-{@code patch} convolution, computed as unfold + matmul), plus the learned position embedding,
 * then pre-LayerNorm encoder layers (LayerNorm with bias; multi-head self-attention with biased q/k/v/out
 * projections, scores scaled by {@code 1/sqrt(headDim)} after the product, softmax in fp32; LayerNorm; MLP
 * fc1, GELU-tanh, fc2; residuals around both). The output is the hidden state after
 * {@link VisionConfig#layersUsed()} layers (the penultimate one: LLaDA-V drops the last layer), with no
 * post-LayerNorm and no pooling head, as {@code hidden_states[-1]} of the truncated model is.
 *
 * <p>Stateless apart from the weights; safe to call from several threads.
 */
public final class SiglipVisionTower {

    private final VisionConfig config;
    private final VisionWeights weights;
    private final float scale;

    public SiglipVisionTower(VisionConfig config, VisionWeights weights) {
        if (weights.layers().length != config.layersUsed()) {
            throw new IllegalArgumentException("weights hold " + weights.layers().length + " layers, the config uses "
                    + config.layersUsed());
        }
        this.config = config;
        this.weights = weights;
        this.scale = (float) Math.pow(config.tower().headDim(), -0.5);
    }

    public VisionConfig config() {
        return config;
    }

    /**
     * Features of a batch of tiles.
     *
     * @param pixels {@code [n, channels, imageSize, imageSize]} normalised float32 pixels
     * @return {@code [n, patches, hidden]}, owned by the manager of {@code pixels}; temporaries are freed layer by layer
     */
    public NDArray forward(NDArray pixels) {
        SiglipConfig t = config.tower();
        Shape s = pixels.getShape();
        if (s.dimension() != 4 || s.get(1) != t.numChannels() || s.get(2) != t.imageSize() || s.get(3) != t.imageSize()) {
            throw new IllegalArgumentException("pixels must be [n, " + t.numChannels() + ", " + t.imageSize() + ", "
                    + t.imageSize() + "], got " + s);
        }
        NDManager out = pixels.getManager();
        try (NDManager scope = out.newSubManager()) {
            NDArray x = embed(pixels, scope);
            for (VisionWeights.Layer layer : weights.layers()) {
                // One layer's intermediates at a time: ops join their first operand's manager, so x moved into the
                // layer's scope takes them there, and only the layer's output moves back out.
                try (NDManager layerScope = scope.newSubManager()) {
                    x.attach(layerScope);
                    x = layer(x, layer);
                    x.attach(scope);
                }
            }
            x.attach(out);
            return x;
        }
    }

    /** Patch + position embedding: {@code [n, patches, hidden]} in {@code scope}. */
    NDArray embed(NDArray pixels, NDManager scope) {
        SiglipConfig t = config.tower();
        long n = pixels.getShape().get(0);
        int g = t.patchesPerSide();
        int p = t.patchSize();
        int c = t.numChannels();
        // A "valid" stride-p convolution sees only the first g*p pixels of each side (378 of 384).
        // [n, c, g*p, g*p] -> [n, c, g, p, g, p] -> [n, g, g, c, p, p] -> rows of one patch each, in the
        // (channel, ky, kx) order the conv kernel is flattened in; patches row-major like conv.flatten(2).
        int seen = g * p;
        NDArray patches = seen == t.imageSize() ? pixels.reshape(n, c, g, p, g, p)
                : pixels.get(":, :, 0:" + seen + ", 0:" + seen);
        patches.attach(scope);
        patches = patches.reshape(n, c, g, p, g, p).transpose(0, 2, 4, 1, 3, 5).reshape(n * g * g, (long) c * p * p);
        NDArray x = weights.patch().apply(patches).add(weights.patchBias()).reshape(n, (long) g * g, t.hiddenSize());
        return x.add(weights.position());
    }

    private NDArray layer(NDArray x, VisionWeights.Layer w) {
        SiglipConfig t = config.tower();
        Shape s = x.getShape();
        long n = s.get(0);
        long tokens = s.get(1);
        int h = t.hiddenSize();
        int heads = t.numHeads();
        int hd = t.headDim();

        NDArray a = layerNorm(x, w.ln1Weight(), w.ln1Bias());
        NDArray qkv = w.qkv().apply(a).add(w.qkvBias()).reshape(n, tokens, 3, heads, hd).transpose(2, 0, 3, 1, 4);
        NDArray q = qkv.get(0);
        NDArray k = qkv.get(1);
        NDArray v = qkv.get(2);
        NDArray probs = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).softmax(3);
        NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(n, tokens, h);
        x = x.add(w.out().apply(context).add(w.outBias()));

        NDArray m = layerNorm(x, w.ln2Weight(), w.ln2Bias());
        NDArray inner = w.fc1().apply(m).add(w.fc1Bias());
        inner = t.hiddenAct() == SiglipConfig.Activation.GELU_TANH ? geluTanh(inner) : geluErf(inner);
        return x.add(w.fc2().apply(inner).add(w.fc2Bias()));
    }

    private NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
        NDList r = LayerNorm.layerNorm(x, new Shape(config.tower().hiddenSize()), weight, bias, (float) config.tower().layerNormEps());
        return r.singletonOrThrow();
    }

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    private static final float INV_SQRT_2 = (float) (1.0 / Math.sqrt(2.0));

    /** {@code gelu(x, approximate="tanh")}: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    static NDArray geluTanh(NDArray x) {
        NDArray inner = x.add(x.mul(x).mul(x).mul(0.044715f)).mul(SQRT_2_OVER_PI);
        return x.mul(inner.tanh().add(1f)).mul(0.5f);
    }

    /** {@code nn.GELU()} (exact): 0.5 x (1 + erf(x / sqrt 2)). */
    static NDArray geluErf(NDArray x) {
        return x.mul(x.mul(INV_SQRT_2).erf().add(1f)).mul(0.5f);
    }
}
