package dev.elasticcache.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DTypeTest {

    @Test
    void byteSizesAndNames() {
        assertThat(DType.F32.byteSize()).isEqualTo(4);
        assertThat(DType.F16.byteSize()).isEqualTo(2);
        assertThat(DType.BF16.byteSize()).isEqualTo(2);
        assertThat(DType.F64.byteSize()).isEqualTo(8);
        assertThat(DType.fromSafetensorsName("BF16")).contains(DType.BF16);
        assertThat(DType.fromSafetensorsName("I4")).isEmpty();
        assertThat(DType.fromSafetensorsName("BOOL")).isEmpty();
    }

    @Test
    void bf16WideningIsAShift() {
        assertThat(DType.bf16ToFloat(0x3f80)).isEqualTo(1.0f);
        assertThat(DType.bf16ToFloat(0xc040)).isEqualTo(-3.0f);
        assertThat(DType.bf16ToFloat(0x7f80)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(DType.bf16ToFloat(0x0001)).isEqualTo(Float.intBitsToFloat(0x00010000));
    }

    @Test
    void bf16NarrowingRoundsToNearestEven() {
        // 1 + 2^-8 is exactly halfway between bf16 1.0 and 1 + 2^-7: ties to even (1.0)
        assertThat(DType.floatToBf16(1.0f + 0x1p-8f)).isEqualTo((short) 0x3f80);
        // 1 + 3*2^-8 is halfway between 1+2^-7 (odd mantissa) and 1+2^-6: rounds up to even
        assertThat(DType.floatToBf16(1.0f + 3 * 0x1p-8f)).isEqualTo((short) 0x3f82);
        assertThat(DType.floatToBf16(1.0f + 0x1p-8f + 0x1p-20f)).isEqualTo((short) 0x3f81);
        assertThat(DType.floatToBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7f80);
        assertThat(Float.isNaN(DType.bf16ToFloat(DType.floatToBf16(Float.NaN)))).isTrue();
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = DType.bf16ToFloat(bits);
            if (!Float.isNaN(f)) {
                assertThat(DType.floatToBf16(f) & 0xffff).isEqualTo(bits);
            }
        }
    }

    @Test
    void halfWideningHandlesAllClasses() {
        assertThat(DType.halfToFloat(0x3c00)).isEqualTo(1.0f);
        assertThat(DType.halfToFloat(0xc000)).isEqualTo(-2.0f);
        assertThat(DType.halfToFloat(0x7bff)).isEqualTo(65504.0f);
        assertThat(DType.halfToFloat(0x0400)).isEqualTo(0x1p-14f);
        assertThat(DType.halfToFloat(0x0001)).isEqualTo(0x1p-24f);
        assertThat(DType.halfToFloat(0x03ff)).isEqualTo(1023 * 0x1p-24f);
        assertThat(DType.halfToFloat(0x8001)).isEqualTo(-0x1p-24f);
        assertThat(Float.floatToRawIntBits(DType.halfToFloat(0x8000))).isEqualTo(0x80000000);
        assertThat(DType.halfToFloat(0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(DType.halfToFloat(0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Float.isNaN(DType.halfToFloat(0x7e00))).isTrue();
        assertThat(Float.isNaN(DType.halfToFloat(0x7c01))).isTrue();
    }

    @Test
    void halfNarrowingRoundTripsAndRoundsToNearestEven() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = DType.halfToFloat(bits);
            if (Float.isNaN(f)) {
                assertThat(Float.isNaN(DType.halfToFloat(DType.floatToHalf(f)))).isTrue();
            } else {
                assertThat(DType.floatToHalf(f) & 0xffff).as("half bits %x", bits).isEqualTo(bits);
            }
        }
        assertThat(DType.floatToHalf(1.0f + 0x1p-11f)).isEqualTo((short) 0x3c00);      // tie -> even
        assertThat(DType.floatToHalf(1.0f + 3 * 0x1p-11f)).isEqualTo((short) 0x3c02);  // tie -> even (up)
        assertThat(DType.floatToHalf(65519.0f)).isEqualTo((short) 0x7bff);
        assertThat(DType.floatToHalf(65520.0f)).isEqualTo((short) 0x7c00);              // overflow to inf
        assertThat(DType.floatToHalf(-1e10f)).isEqualTo((short) 0xfc00);
        assertThat(DType.floatToHalf(0x1p-25f)).isEqualTo((short) 0x0000);             // tie between 0 and min subnormal
        assertThat(DType.floatToHalf(0x1p-25f + 0x1p-30f)).isEqualTo((short) 0x0001);
        assertThat(DType.floatToHalf(3 * 0x1p-25f)).isEqualTo((short) 0x0002);         // 1.5 ulp -> 2
        assertThat(DType.floatToHalf(1e-10f)).isEqualTo((short) 0x0000);
        assertThat(DType.floatToHalf(1023.5f * 0x1p-24f)).isEqualTo((short) 0x0400);   // rounds up into normal
        assertThat(DType.floatToHalf(0.1f)).isEqualTo((short) 0x2e66);
    }
}
