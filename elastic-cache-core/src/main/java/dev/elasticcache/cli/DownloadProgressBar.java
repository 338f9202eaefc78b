package dev.elasticcache.cli;

import dev.elasticcache.hub.DownloadListener;
import dev.elasticcache.hub.ModelId;
import dev.elasticcache.model.weights.MemoryBudget;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A download's progress on standard error: bytes, rate and time left. On a terminal one line is redrawn in place;
 * otherwise (a log, a pipe) a line is written per file and every few seconds.
 */
final class DownloadProgressBar implements DownloadListener {
    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final long LOG_NANOS = 5_000_000_000L;

    private final PrintStream err;
    private final boolean terminal;
    private final LongSupplier clock;
    private long total;
    private long done;
    private final long created;
    private boolean begun; // the download proper began (config.json and the index arrive before it)
    private long started;
    private long doneAtStart;
    private long lastDraw;
    private long drawnDone = -1;
    private String file = "";

    DownloadProgressBar(PrintStream err, boolean terminal) {
        this(err, terminal, System::nanoTime);
    }

    DownloadProgressBar(PrintStream err, boolean terminal, LongSupplier clock) {
        this.err = err;
        this.terminal = terminal;
        this.clock = clock;
        this.created = clock.getAsLong();
    }

    @Override
    public synchronized void started(ModelId id, String commit, int files, long bytes) {
        total = Math.max(bytes, done);
        begun = true;
        started = clock.getAsLong();
        doneAtStart = done;
        err.printf(Locale.ROOT, "downloading %s (commit %s): %d files, %s%n", id, commit.substring(0, Math.min(7, commit.length())),
                files, MemoryBudget.size(bytes));
    }

    @Override
    public synchronized void fileStarted(String name, long size, long resumedFrom) {
        file = name;
        if (resumedFrom > 0) {
            newLine();
            err.printf(Locale.ROOT, "resuming %s at %s of %s%n", name, MemoryBudget.size(resumedFrom), MemoryBudget.size(size));
        }
    }

    @Override
    public synchronized void progress(String name, long delta) {
        done += delta;
        long now = clock.getAsLong();
        if (begun && now - lastDraw >= (terminal ? REDRAW_NANOS : LOG_NANOS)) {
            draw(now);
        }
    }

    @Override
    public synchronized void retrying(String name, long offset, String reason) {
        newLine();
        err.printf(Locale.ROOT, "retrying %s from byte %d: %s%n", name, offset, reason);
    }

    @Override
    public synchronized void fileFinished(String name) {
        if (!terminal && begun && done != drawnDone) {
            draw(clock.getAsLong());
        }
    }

    @Override
    public synchronized void finished(ModelId id, Path snapshot) {
        long now = clock.getAsLong();
        if (done != drawnDone) {
            draw(now);
        }
        newLine();
        double seconds = Math.max(1e-9, (now - created) / 1e9);
        err.printf(Locale.ROOT, "downloaded %s in %s (%s/s) to %s%n", id, duration(seconds),
                MemoryBudget.size((long) (done / seconds)), snapshot);
    }

    /** The line: bar, percentage, bytes, rate (since the download proper began), time left, current file. */
    String line(long now) {
        double seconds = Math.max(1e-9, (now - (begun ? started : created)) / 1e9);
        double rate = (done - doneAtStart) / seconds;
        double fraction = total > 0 ? Math.min(1, (double) done / total) : 0;
        int filled = (int) Math.round(fraction * WIDTH);
        String eta = done >= total ? "0s" : seconds >= 1 && rate > 0 ? duration((total - done) / rate) : "?";
        return String.format(Locale.ROOT, "[%s%s] %3d%%  %s / %s  %s/s  ETA %s  %s", "#".repeat(filled),
                ".".repeat(WIDTH - filled), Math.round(fraction * 100), MemoryBudget.size(done), MemoryBudget.size(total),
                MemoryBudget.size((long) rate), eta, file);
    }

    private void draw(long now) {
        lastDraw = now;
        drawnDone = done;
        err.print(terminal ? "\r" + line(now) + "\u001b[K" : line(now) + "\n");
        err.flush();
    }

    private void newLine() {
        if (terminal && drawnDone >= 0) {
            err.println();
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
