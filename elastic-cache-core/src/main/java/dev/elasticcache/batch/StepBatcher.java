package dev.elasticcache.batch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Runs the row-wise work of concurrently decoding sequences as one matrix.
 *
 * <p>Every request decodes on its own thread with its own decoder, caches and decisions, exactly as alone; only
 * the row-wise ops of a layer (norm and q/k/v projection, attention output and MLP, the head) go through
 * {@link #run}. A member thread's op waits until every member thread is waiting too; then one of them, the
 * leader, stacks the rows of the ops with the lowest {@link OpKey} (a sequence behind the others catches up, so
 * the sequences run their layers in step), runs them once, and hands each its rows back. Requests join and
 * leave between ops, which for a decoder means at step boundaries, since each step runs every layer.
 *
 * <p>Bit for bit: on one intra-op thread libtorch's CPU GEMM gives a row the same value whether it is
 * multiplied within 4 or more rows or any other such block, while 1 to 3 rows take another kernel (measured);
 * so an op of fewer than {@value #STACKED_MIN_ROWS} rows runs by itself, and every other op's rows are exactly
 * those of its decode alone. Norms and element-wise ops are row-local.
 *
 * <p>A member that does something slow outside the model (a listener writing to a slow client) leaves for that
 * time ({@link #outside}); if a member still keeps the others waiting longer than {@code maxWait}, the longest
 * waiter leads without it. A failing stacked op is retried op by op, so only the op at fault fails.
 */
public final class StepBatcher {
    /** Rows below which an op runs by itself: libtorch's GEMM takes another kernel for 1-3 rows. */
    public static final int STACKED_MIN_ROWS = 4;
    /** Rounds of fewer matmul FLOPs run as one chunk (on the tiny model a layer of 8 sequences is ~10 MFLOP). */
    static final double PARALLEL_ROUND_FLOPS = 2e6;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ThreadLocal<Boolean> member = ThreadLocal.withInitial(() -> false);
    private final List<Op> pending = new ArrayList<>();
    private final long maxWaitNanos;
    private final ToDoubleFunction<Op> flopsOf;
    private final NDManager parent;
    private int members;
    /** The round being run, or null. */
    private Round round;
    private final int parallelism;
    private long rounds;
    private long ops;
    private long stackedOps;
    private long maxStacked;

    /**
     * @param parent the manager under which a round's stacked arrays live (the model's)
     * @param maxWait how long a waiting op waits for a busy member before its round starts without it
     * @param rowFlops matmul FLOPs per row of each op key (decides whether a round is worth splitting into chunks)
     * @param parallelism chunks a round may be split into, run by as many member threads at once (the cores)
     */
    public StepBatcher(NDManager parent, java.time.Duration maxWait, ToDoubleFunction<OpKey> rowFlops,
            int parallelism) {
        this.parent = parent;
        this.parallelism = Math.max(1, parallelism);
        this.maxWaitNanos = maxWait.toNanos();
        this.flopsOf = op -> rowFlops.applyAsDouble(op.key) * op.rows;
    }

    /** The calling thread decodes from now on: its ops wait for the other members' (until {@link #leave}). */
    public void join() {
        if (member.get()) {
            return;
        }
        lock.lock();
        try {
            member.set(true);
            members++;
        } finally {
            lock.unlock();
        }
    }

    /** The calling thread stops decoding; the others no longer wait for it. */
    public void leave() {
        if (!member.get()) {
            return;
        }
        lock.lock();
        try {
            member.set(false);
            members--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} (host code: a listener) as a non-member, so no one waits for it meanwhile. */
    public void outside(Runnable work) {
        boolean was = member.get();
        if (was) {
            leave();
        }
        try {
            work.run();
        } finally {
            if (was) {
                join();
            }
        }
    }

    /**
     * Runs the row-wise {@code op} on {@code inputs} (arrays of equal row count, owned by the caller's scope),
     * stacked with the other members' ops of the same key. The result has the op's rows, in the manager of
     * {@code inputs.get(0)}, and is bit for bit what {@code op.apply(inputs)} gives.
     */
    public NDArray run(OpKey key, NDList inputs, Function<NDList, NDArray> op) {
        if (!member.get()) {
            return op.apply(inputs);
        }
        Op mine = new Op(key, inputs, op);
        boolean interrupted = false;
        lock.lock();
        try {
            pending.add(mine);
            long waitUntil = System.nanoTime() + maxWaitNanos;
            while (!mine.done) {
                long now = System.nanoTime();
                if (round != null && round.hasWork()) {
                    work(round);
                } else if (round == null && !pending.isEmpty() && (pending.size() >= members || now >= waitUntil)) {
                    round = plan(takeLowest());
                    // Idle members help with the round's other chunks.
                    changed.signalAll();
                    waitUntil = System.nanoTime() + maxWaitNanos;
                } else {
                    try {
                        changed.awaitNanos(Math.max(1, round != null ? maxWaitNanos : waitUntil - now));
                    } catch (InterruptedException e) {
                        // The op is queued or running; an abandoned op would stall its round, so wait it out.
                        interrupted = true;
                    }
                }
            }
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (mine.failure != null) {
            throw mine.failure instanceof RuntimeException r ? r : new IllegalStateException(mine.failure);
        }
        return mine.result;
    }

    /** With the lock held: the pending ops of the lowest key, removed from the queue. */
    private List<Op> takeLowest() {
        OpKey lowest = null;
        for (Op op : pending) {
            if (lowest == null || op.key.compareTo(lowest) < 0) {
                lowest = op.key;
            }
        }
        List<Op> ops = new ArrayList<>();
        for (Op op : pending) {
            if (op.key.equals(lowest)) {
                ops.add(op);
            }
        }
        pending.removeAll(ops);
        return ops;
    }

    /**
     * Splits a round into chunks that members run in parallel, each on one intra-op thread: every op under
     * {@value #STACKED_MIN_ROWS} rows alone, the others stacked in up to {@code parallelism} chunks of about
     * equal rows (a chunk of one op runs it alone). Small rounds stay one chunk: waking a helper costs more.
     */
    private Round plan(List<Op> ops) {
        List<List<Op>> chunks = new ArrayList<>();
        List<Op> stackable = new ArrayList<>();
        double flops = 0;
        for (Op op : ops) {
            if (op.rows < STACKED_MIN_ROWS) {
                chunks.add(List.of(op));
            } else {
                stackable.add(op);
                flops += flopsOf.applyAsDouble(op);
            }
        }
        int parts = flops < PARALLEL_ROUND_FLOPS ? 1 : Math.min(parallelism, stackable.size());
        long remaining = stackable.stream().mapToLong(op -> op.rows).sum();
        List<Op> chunk = new ArrayList<>();
        long chunkRows = 0;
        for (int i = 0; i < stackable.size(); i++) {
            Op op = stackable.get(i);
            chunk.add(op);
            chunkRows += op.rows;
            if (parts > 1 && i < stackable.size() - 1 && chunkRows * parts >= remaining) {
                chunks.add(chunk);
                remaining -= chunkRows;
                parts--;
                chunk = new ArrayList<>();
                chunkRows = 0;
            }
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return new Round(ops, chunks);
    }

    /** With the lock held: runs one chunk of the round without the lock; the last chunk completes the round. */
    private void work(Round r) {
        List<Op> chunk = r.chunks.get(r.claimed++);
        lock.unlock();
        try {
            execute(chunk);
        } finally {
            lock.lock();
            if (chunk.size() > 1) {
                stackedOps += chunk.size();
                maxStacked = Math.max(maxStacked, chunk.size());
            }
            if (++r.finished == r.chunks.size()) {
                for (Op op : r.ops) {
                    op.done = true;
                }
                round = null;
                rounds++;
                ops += r.ops.size();
            }
            changed.signalAll();
        }
    }

    /** Runs one chunk: a lone op by itself, several stacked (retried one by one if the stack fails). */
    private void execute(List<Op> chunk) {
        if (chunk.size() == 1) {
            alone(chunk.get(0));
            return;
        }
        try {
            stack(chunk);
        } catch (RuntimeException | Error e) {
            // One op's bad input must not fail its neighbours: retry each alone.
            chunk.forEach(StepBatcher::alone);
        }
    }

    private static void alone(Op op) {
        try {
            op.result = op.function.apply(op.inputs);
        } catch (RuntimeException | Error e) {
            op.failure = e;
        }
    }

    private void stack(List<Op> stacked) {
        int arity = stacked.get(0).inputs.size();
        try (NDManager scope = parent.newSubManager()) {
            NDList columns = new NDList(arity);
            for (int i = 0; i < arity; i++) {
                NDList parts = new NDList(stacked.size());
                for (Op op : stacked) {
                    parts.add(op.inputs.get(i));
                }
                NDArray column = NDArrays.concat(parts, 0);
                column.attach(scope);
                columns.add(column);
            }
            NDArray out = stacked.get(0).function.apply(columns);
            long[] cuts = new long[stacked.size() - 1];
            long at = 0;
            for (int i = 0; i < cuts.length; i++) {
                at += stacked.get(i).rows;
                cuts[i] = at;
            }
            NDList pieces = out.split(cuts, 0);
            for (int i = 0; i < stacked.size(); i++) {
                Op op = stacked.get(i);
                NDArray piece = pieces.get(i);
                piece.attach(op.inputs.get(0).getManager());
                op.result = piece;
            }
        }
    }

    /** The ops of one key being run, as chunks that members claim one by one (guarded by the lock). */
    private static final class Round {
        final List<Op> ops;
        final List<List<Op>> chunks;
        int claimed;
        int finished;

        Round(List<Op> ops, List<List<Op>> chunks) {
            this.ops = ops;
            this.chunks = chunks;
        }

        boolean hasWork() {
            return claimed < chunks.size();
        }
    }

    /** Counts since the batcher was made. */
    public BatchStatistics statistics() {
        lock.lock();
        try {
            return new BatchStatistics(rounds, ops, stackedOps, maxStacked, members);
        } finally {
            lock.unlock();
        }
    }

    private static final class Op {
        final OpKey key;
        final NDList inputs;
        final Function<NDList, NDArray> function;
        final long rows;
        volatile boolean done;
        NDArray result;
        Throwable failure;

        Op(OpKey key, NDList inputs, Function<NDList, NDArray> function) {
            this.key = key;
            this.inputs = inputs;
            this.function = function;
            this.rows = inputs.get(0).getShape().get(0);
        }
    }
}
