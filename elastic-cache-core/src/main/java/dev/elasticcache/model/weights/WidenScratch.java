package dev.elasticcache.model.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Reusable direct buffers that a 16-bit matrix is widened into before it multiplies. libtorch aliases a direct
 * buffer instead of copying it, so the widened matrix costs no second copy, and reusing the buffers keeps the
 * steady state free of allocation. One buffer per concurrent forward; each holds the largest chunk.
 */
public final class WidenScratch {
    private final int capacityBytes;
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();

    /** Buffers of {@code capacityBytes} each. */
    public WidenScratch(int capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("capacityBytes must be positive");
        }
        this.capacityBytes = capacityBytes;
    }

    /** Bytes of one buffer. */
    public int capacityBytes() {
        return capacityBytes;
    }

    /** A buffer for {@code bytes} (at most the capacity), cleared to that limit, native order. */
    public ByteBuffer acquire(long bytes) {
        if (bytes > capacityBytes) {
            throw new IllegalArgumentException(bytes + " bytes exceed the scratch capacity " + capacityBytes);
        }
        ByteBuffer b = free.poll();
        if (b == null) {
            b = ByteBuffer.allocateDirect(capacityBytes).order(ByteOrder.nativeOrder());
        }
        b.clear().limit((int) bytes);
        return b;
    }

    /** Returns a buffer once no array aliases it any more. */
    public void release(ByteBuffer buffer) {
        free.add(buffer);
    }
}
