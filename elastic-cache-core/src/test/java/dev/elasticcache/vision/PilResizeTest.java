package dev.elasticcache.vision;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PilResizeTest {

    /** The synthetic 13x7 pattern the golden values were made from. */
    static RgbImage pattern() {
        int w = 13;
        int h = 7;
        byte[] b = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    b[(y * w + x) * 3 + c] = (byte) ((x * 37 + y * 91 + c * 53 + ((x * y) % 17) * 11) % 256);
                }
            }
        }
        return new RgbImage(w, h, b);
    }

    /**
     * Bytes of {@code Image.resize((w, h))} (default filter BICUBIC) on {@link #pattern()}, produced with
     * Pillow 9.4.0 (Debian bookworm's python3-pil): downscale, upscale, and mixed directions. LLaDA-V pins
     * pillow 10.3.0, assumed to resample identically (its bicubic path was not run here).
     */
    @ParameterizedTest(name = "13x7 -> {0}")
    @CsvSource({
            "5x3, "
                    + "6b8592868a907f7c7950659180b9727a8f72817d718a72836e5a937f848c79958d87767b7361809e6299926f95",
            "20x15, "
                    + "002a5f053a6e21558c386bb54e8ed268b4e890cbffafeeb6c4f513f04922a3004c002774004e8c276fa34f85ba699ce5"
                    + "7fb4b796cb00b1e602c2f72d0b3d761a518a3771a2538c9d6f91ab8491c880aaed8ccfb1a8de38d45d4fa029611f515d"
                    + "2e4f7444578f4275aa578fd372a7b68bc02ea8dd16baef233568b14785cf6ab2d594d963bf9a4fc73e7b595ba83a87aa"
                    + "65ab8e948eb69a94917cb227a04d378a1d60255186306faa568bb572a79993c844a6db0b669db77da6db9fbdddacec4a"
                    + "d3992edd215e4d456b2460885470b2619ae67ec9aeaae222df6136ae155b0f3a6f16598e457ab7659ae88ac06a9fd700"
                    + "a0e158c39f76d35c92728a736e86899572a278a244887d35a82b6e485ca43593a47bb37bb396a18b6aa70244791a5d91"
                    + "5386c375a9f79ada7bb1f90daef41bd78e36e021624c5087347ab96c9fc891d738c29612db134b532f6c1c5b934d84c0"
                    + "82bef673ace019457a28588d5489c37cb1f2a9d884c6ef1f57953c7b6f6a9b529070955385835faa54886d875f758868"
                    + "ad5c92a43378743e85397dc16cc4fe8daade78255a43386d2f71a7619ed8ab8986de6d360c41762c61a46097b48dd425"
                    + "c88813dd15525144802d80b572a3d8e24e83cc386d4273a861b4e9a093c8cf073c5c1c510f5a8f4a8dc2aa4f84ec1045"
                    + "2458b85492a085cc7160a2327b6f4ca7518576845d4fa1884ea1d5bc8a5bd568358f4c7f6588c38274a9df002c601b50"
                    + "0860975190caa68b7fdc7b355f94e395ca88b3e8272b615b2154a26899c2a4d83989c24a4380b47bbd34be9b08e32254"
                    + "6e5796585a8fd0003566275c1b68a2639bdba3d57cc8fa209ecfa197cc6b7cb34332789c465ab78c68a0a9ce70a0b16b"
                    + "7f477c669c4b98872ff2083b69427e3c699eb14d82903b7069548d78aae7b1b98adeb329d2ff3880b4532a628a58aae0"
                    + "9f6cacd11656979ec1a289accf0e435e5a7c675879dd0337663c723285ba8bb2e7c6558acc386d8cb8eebd779ef4253f"
                    + "9fce3b68a2743d6cbd928ccec96f7cca452a687baa756db5be3368494d90455396b63f74893d716871a684d0ffd86398"
                    + "ed306587ace08b64a3a40c55376b755091b284a6e2d4488ed9693a9eb20f2c5f603159a17c88bd305b9330649c879acf"
                    + "bd4479be467b8ec5fad56a9fe7356a7594c83b69a02630690a408d468acca2bdf4f12b73e1671d8be00212534113509a"
                    + "60ade2266095256a9f72c1f6d4477ce3336892c2f7d46ea3e6366b6d89be196a9f003d72",
            "6x19, "
                    + "0c417a5ca5e6c8b467372b6b5194bdaade271a4f8366a0d4b8ad70453868508bb6a4d9313c799f848fa28c9d8f6f5a5c"
                    + "4c6fa292ca4a6aabbfa87b655686b1a28652474e8a7cb86c8ebab9ac75524a74acaa9a6043468777b482ada0848a8172"
                    + "6f677680938f3e5c9c85c48dbd81526a8c92965d465686bb3d72b093cd92a477517086879b5b515881c74a6ea993af92"
                    + "6a776f9075608c5e85737dbe625a908a748c447f87a16c487f69a68d77ac73477c8252875091878a77557c87919b6d8c"
                    + "733a757f728670a97f6589717caa68a462656d32747fab8781b67a5b8d8781af58a2575370387d89bd8a7cb774757c9b"
                    + "93866591495b7f5795a89a8f73b0739669a59e587c7e3f6d9177aec26c9470a381a466948a4e8b78467fa481b5b35a96"
                    + "728d9ea371675861977d5d95ba79ad7f5b96737cb4a07b4331739e826fa6c971a65460957376bda07e362378a28376ac"
                    + "cf6ea3456095",
            "13x4, "
                    + "2e63915885ba7aaf78a36da26196c48ab860aa5c9150854479396e28679c5b90c585ba62abea1577ac58b95f996ba04f"
                    + "a75c91619641a04d8b6a57915c9c9ca3a3d841295e306ba070a5e4c2ac2c64999e7fb95f46846e9d529085ba656d72a7"
                    + "aa8e34b729644489becb20553c457a6fa4d9dc8b3c70a5655e93c0b961a0b57e263e73a19b5b901f5d8bab639891396e"
                    + "8ec6fbf3265b73a8dd6c3563",
            "4x7, "
                    + "2e68a29ea7954a538389c36499a89671768b8574695d8b84997f6c8574644e77b574aa9e697d698c66888868a0774a7f"
                    + "6ba28078a665914b5e788c85809589a04f8a7e578cba6ca18e7b895077799971ab80669b"
    })
    void matchesPillowByteForByte(String size, String expectedHex) {
        String[] wh = size.split("x");
        RgbImage out = PilResize.resize(pattern(), Integer.parseInt(wh[0]), Integer.parseInt(wh[1]));
        assertThat(HexFormat.of().formatHex(out.rgb())).isEqualTo(expectedHex);
    }

    @Test
    void handComputedDownscale() {
        // 4x1 [0, 0, 255, 255] -> 2x1: support 4, weights bicubic(+-0.25, 0.75, 1.25) / 1.890625 =
        // 0.4587, 0.4587, 0.1198, -0.0372; 255 * (0.1198 - 0.0372) = 21.07 -> 21, 255 * 0.9174 = 233.9 -> 234
        byte[] row = {0, 0, 0, 0, 0, 0, (byte) 255, (byte) 255, (byte) 255, (byte) 255, (byte) 255, (byte) 255};
        RgbImage out = PilResize.resize(new RgbImage(4, 1, row), 2, 1);
        assertThat(out.get(0, 0, 0)).isEqualTo(21);
        assertThat(out.get(1, 0, 2)).isEqualTo(234);
        assertThat(PilResize.bicubic(0.25)).isEqualTo(0.8671875);
        assertThat(PilResize.bicubic(1.25)).isEqualTo(-0.0703125);
        assertThat(PilResize.bicubic(2.0)).isZero();
    }

    @Test
    void sameSizeIsACopyAndConstantsStayConstant() {
        RgbImage p = pattern();
        assertThat(PilResize.resize(p, 13, 7).rgb()).isEqualTo(p.rgb()).isNotSameAs(p.rgb());
        RgbImage grey = AnyresPreprocessorTest.solid(50, 30, 200);
        RgbImage small = PilResize.resize(grey, 7, 9);
        for (byte v : small.rgb()) {
            assertThat(v & 0xff).isEqualTo(200);
        }
    }

    /** An image as the normalised [3, h, w] planes the tower takes. */
    static float[] planes(RgbImage img) {
        float[] out = new float[3 * img.width() * img.height()];
        AnyresPreprocessor.normalizeInto(img, out, 0);
        return out;
    }
}
