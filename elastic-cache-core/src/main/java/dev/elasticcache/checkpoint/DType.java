package dev.elasticcache.checkpoint;

import java.util.Locale;
import java.util.Optional;

/**
 * Floating point storage types of safetensors tensors that this project reads and writes. All of them
 * are widened to Java {@code float} in Java code: BF16 data must never reach DJL (it aborts the JVM).
 */
public enum DType {
    F32(4),
    F16(2),
    BF16(2),
    F64(8);

    private static final float[] HALF_TO_FLOAT = new float[1 << 16];

    static {
        for (int i = 0; i < HALF_TO_FLOAT.length; i++) {
            HALF_TO_FLOAT[i] = computeHalfToFloat(i);
        }
    }

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The dtype string used in safetensors headers ("F32", "F16", "BF16", "F64"). */
    public String safetensorsName() {
        return name();
    }

    /** Parses a safetensors dtype string; empty for dtypes this project does not support. */
    public static Optional<DType> fromSafetensorsName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (DType t : values()) {
            if (t.name().equals(name.toUpperCase(Locale.ROOT))) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Widens a bfloat16 bit pattern (low 16 bits of {@code bits}) to float; exact. */
    public static float bf16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** Narrows a float to bfloat16 bits with round-to-nearest-even; NaN stays NaN (quiet). */
    public static short floatToBf16(float value) {
        int f = Float.floatToRawIntBits(value);
        if ((f & 0x7fffffff) > 0x7f800000) {
            return (short) ((f >>> 16) | 0x0040);
        }
        int lsb = (f >>> 16) & 1;
        return (short) ((f + 0x7fff + lsb) >>> 16);
    }

    /** Widens an IEEE 754 binary16 bit pattern (low 16 bits) to float; exact, incl. subnormals, inf, NaN. */
    public static float halfToFloat(int bits) {
        return HALF_TO_FLOAT[bits & 0xffff];
    }

    private static float computeHalfToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            // zero or subnormal: mant * 2^-24, exact in float
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Narrows a float to IEEE 754 binary16 bits with round-to-nearest-even; overflow gives infinity. */
    public static short floatToHalf(float value) {
        int f = Float.floatToRawIntBits(value);
        int sign = (f >>> 16) & 0x8000;
        int abs = f & 0x7fffffff;
        if (abs >= 0x7f800000) {
            if (abs > 0x7f800000) {
                return (short) (sign | 0x7e00 | ((abs >>> 13) & 0x3ff));
            }
            return (short) (sign | 0x7c00);
        }
        if (abs >= 0x477ff000) {
            // >= 65520 rounds to infinity
            return (short) (sign | 0x7c00);
        }
        if (abs < 0x38800000) {
            // below the smallest normal half (2^-14): subnormal or zero; scaling by 2^24 is exact
            float scaled = Float.intBitsToFloat(abs) * 0x1p24f;
            return (short) (sign | (int) Math.rint(scaled));
        }
        int h = (((abs >>> 23) - 112) << 10) | ((abs >>> 13) & 0x3ff);
        int rest = abs & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1) != 0)) {
            h++;
        }
        return (short) (sign | h);
    }
}
