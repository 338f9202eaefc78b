package dev.elasticcache.model.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Reusable direct buffers that a 16-bit matrix is widened into before it multiplies. libtorch aliases a direct
 * buffer instead of copying it, so the widened matrix costs no second copy, and reusing the buffers keeps the
 * steady state free of allocation: one buffer per concurrent forward, grown to the largest matrix asked for,
 * never beyond {@link #maxBytes()} (larger matrices are widened in slices of that size).
 */
public final class WidenScratch {
    private final int maxBytes;
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
    private volatile int largest;

    /** Buffers of at most {@code maxBytes} each. */
    public WidenScratch(int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        this.maxBytes = maxBytes;
    }

    /** The largest buffer this scratch hands out. */
    public int maxBytes() {
        return maxBytes;
    }

    /** A buffer for {@code bytes} (at most {@link #maxBytes()}), limited to that size, native order. */
    public ByteBuffer acquire(long bytes) {
        if (bytes > maxBytes) {
            throw new IllegalArgumentException(bytes + " bytes exceed the scratch limit " + maxBytes);
        }
        ByteBuffer b = free.poll();
        if (b == null || b.capacity() < bytes) {
            // Grow to the largest size seen, so that after one forward every buffer fits every matrix.
            largest = Math.max(largest, (int) bytes);
            b = ByteBuffer.allocateDirect(largest).order(ByteOrder.nativeOrder());
        }
        b.clear().limit((int) bytes);
        return b;
    }

    /** Returns a buffer once no array aliases it any more. */
    public void release(ByteBuffer buffer) {
        free.add(buffer);
    }
}
