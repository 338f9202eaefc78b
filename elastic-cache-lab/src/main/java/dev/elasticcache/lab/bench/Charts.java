package dev.elasticcache.lab.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Two small PNG charts drawn with Java2D (headless): grouped bars and a labelled scatter. */
final class Charts {
    private static final Color[] PALETTE = {new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868),
        new Color(0xC44E52), new Color(0x8172B3), new Color(0x937860)};
    private static final int W = 900;
    private static final int H = 520;
    private static final int LEFT = 80;
    private static final int RIGHT = 200;
    private static final int TOP = 60;
    private static final int BOTTOM = 70;

    private Charts() {}

    /**
     * Grouped bars on a log10 y axis: one group per category (generation length), one bar per series.
     *
     * @param values values[series][category]
     */
    static void groupedBars(Path file, String title, String yLabel, List<String> categories, List<String> series,
            double[][] values) throws IOException {
        BufferedImage img = canvas();
        Graphics2D g = graphics(img, title);
        double max = 1;
        for (double[] row : values) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        double top = Math.pow(10, Math.ceil(Math.log10(max * 1.2)));
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        for (double tick = 1; tick <= top; tick *= 10) {
            int y = TOP + plotH - (int) (plotH * Math.log10(tick) / Math.log10(top));
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(format(tick) + "x", LEFT - 45, y + 4);
        }
        int groupW = plotW / categories.size();
        int barW = Math.max(6, (groupW - 30) / series.size());
        for (int c = 0; c < categories.size(); c++) {
            int x0 = LEFT + c * groupW + 15;
            for (int s = 0; s < series.size(); s++) {
                double v = values[s][c];
                if (!Double.isFinite(v)) {
                    continue;
                }
                int h = (int) (plotH * Math.log10(Math.max(v, 1)) / Math.log10(top));
                g.setColor(PALETTE[s % PALETTE.length]);
                g.fillRect(x0 + s * barW, TOP + plotH - h, barW - 2, h);
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
                g.drawString(format(v), x0 + s * barW, TOP + plotH - h - 3);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.drawString(categories.get(c), x0 + groupW / 2 - 40, TOP + plotH + 20);
        }
        axes(g, yLabel, "generation length");
        legend(g, series);
        write(img, file);
    }

    /** Points (x, y) connected in order and labelled, e.g. accuracy against speed-up over gamma. */
    static void labelledLine(Path file, String title, String xLabel, String yLabel, double[] xs, double[] ys,
            List<String> labels, double referenceY, String referenceLabel) throws IOException {
        BufferedImage img = canvas();
        Graphics2D g = graphics(img, title);
        double xMax = 1;
        double yMin = Math.min(referenceY, 100);
        for (int i = 0; i < xs.length; i++) {
            xMax = Math.max(xMax, xs[i]);
            yMin = Math.min(yMin, ys[i]);
        }
        xMax *= 1.15;
        yMin = Math.max(0, Math.floor(yMin / 10) * 10 - 10);
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        final double xm = xMax;
        final double ym = yMin;
        java.util.function.DoubleUnaryOperator px = x -> LEFT + plotW * x / xm;
        java.util.function.DoubleUnaryOperator py = y -> TOP + plotH - plotH * (y - ym) / (100 - ym);
        g.setColor(new Color(0xDDDDDD));
        for (int t = (int) yMin; t <= 100; t += 10) {
            int y = (int) py.applyAsDouble(t);
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(t + "%", LEFT - 40, y + 4);
            g.setColor(new Color(0xDDDDDD));
        }
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        int ry = (int) py.applyAsDouble(referenceY);
        g.drawLine(LEFT, ry, LEFT + plotW, ry);
        g.drawString(referenceLabel, LEFT + plotW + 5, ry + 4);
        g.setStroke(new BasicStroke(2));
        g.setColor(PALETTE[0]);
        for (int i = 0; i < xs.length; i++) {
            int x = (int) px.applyAsDouble(xs[i]);
            int y = (int) py.applyAsDouble(ys[i]);
            g.fillOval(x - 5, y - 5, 10, 10);
            if (i > 0) {
                g.drawLine((int) px.applyAsDouble(xs[i - 1]), (int) py.applyAsDouble(ys[i - 1]), x, y);
            }
            g.setColor(Color.BLACK);
            g.drawString(labels.get(i), x + 7, y - 7);
            g.setColor(PALETTE[0]);
        }
        g.setColor(Color.DARK_GRAY);
        for (int i = 0; i <= 5; i++) {
            double v = xMax * i / 5;
            g.drawString(format(v) + "x", (int) px.applyAsDouble(v) - 10, TOP + plotH + 18);
        }
        axes(g, yLabel, xLabel);
        write(img, file);
    }

    private static BufferedImage canvas() {
        return new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    }

    private static Graphics2D graphics(BufferedImage img, String title) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return g;
    }

    private static void axes(Graphics2D g, String yLabel, String xLabel) {
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawLine(LEFT, TOP, LEFT, H - BOTTOM);
        g.drawLine(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(xLabel, LEFT + (W - LEFT - RIGHT) / 2 - 50, H - 25);
        g.drawString(yLabel, 10, TOP - 12);
    }

    private static void legend(Graphics2D g, List<String> series) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int s = 0; s < series.size(); s++) {
            int y = TOP + 10 + s * 22;
            g.setColor(PALETTE[s % PALETTE.length]);
            g.fillRect(W - RIGHT + 15, y - 10, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(series.get(s), W - RIGHT + 35, y + 2);
        }
    }

    private static String format(double v) {
        return v >= 10 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static void write(BufferedImage img, Path file) throws IOException {
        ImageIO.write(img, "png", file.toFile());
    }
}
