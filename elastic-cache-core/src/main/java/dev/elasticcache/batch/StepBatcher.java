package dev.elasticcache.batch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.elasticcache.model.IntraOpThreads;
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

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ThreadLocal<Boolean> member = ThreadLocal.withInitial(() -> false);
    private final List<Op> pending = new ArrayList<>();
    private final long maxWaitNanos;
    private final ToDoubleFunction<Op> flopsOf;
    private final NDManager parent;
    private final int configuredThreads;
    private int members;
    private boolean leading;
    private long rounds;
    private long ops;
    private long stackedOps;
    private long maxStacked;

    /**
     * @param parent the manager under which a round's stacked arrays live (the model's)
     * @param maxWait how long a waiting op waits for a busy member before its round starts without it
     * @param rowFlops matmul FLOPs per row of each op key (chooses the intra-op threads of a stacked op)
     * @param configuredThreads libtorch's intra-op threads for large work ({@link IntraOpThreads#forWork})
     */
    public StepBatcher(NDManager parent, java.time.Duration maxWait, ToDoubleFunction<OpKey> rowFlops,
            int configuredThreads) {
        this.parent = parent;
        this.configuredThreads = configuredThreads;
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
        lock.lock();
        try {
            pending.add(mine);
            long waitUntil = System.nanoTime() + maxWaitNanos;
            while (!mine.done) {
                long now = System.nanoTime();
                if (!leading && !pending.isEmpty() && (pending.size() >= members || now >= waitUntil)) {
                    lead();
                    waitUntil = System.nanoTime() + maxWaitNanos;
                } else {
                    changed.awaitNanos(Math.max(1, leading ? maxWaitNanos : waitUntil - now));
                }
            }
        } catch (InterruptedException e) {
            // The op stays queued and is run by another leader; keep waiting for it, then restore the flag.
            Thread.currentThread().interrupt();
            awaitDone(mine);
        } finally {
            lock.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure instanceof RuntimeException r ? r : new IllegalStateException(mine.failure);
        }
        return mine.result;
    }

    private void awaitDone(Op mine) {
        while (!mine.done) {
            if (!leading && pending.contains(mine)) {
                lead();
            } else {
                changed.awaitUninterruptibly();
            }
        }
    }

    /** With the lock held: takes the lowest key's ops, runs them without the lock, publishes the results. */
    private void lead() {
        OpKey lowest = null;
        for (Op op : pending) {
            if (lowest == null || op.key.compareTo(lowest) < 0) {
                lowest = op.key;
            }
        }
        List<Op> round = new ArrayList<>();
        for (Op op : pending) {
            if (op.key.equals(lowest)) {
                round.add(op);
            }
        }
        pending.removeAll(round);
        leading = true;
        lock.unlock();
        try {
            execute(round);
        } finally {
            lock.lock();
            leading = false;
            for (Op op : round) {
                op.done = true;
            }
            changed.signalAll();
        }
    }

    private void execute(List<Op> round) {
        List<Op> stacked = new ArrayList<>();
        for (Op op : round) {
            if (op.rows < STACKED_MIN_ROWS) {
                alone(op);
            } else {
                stacked.add(op);
            }
        }
        if (stacked.size() == 1) {
            alone(stacked.get(0));
        } else if (stacked.size() > 1) {
            try {
                stack(stacked);
            } catch (RuntimeException | Error e) {
                // One op's bad input must not fail its neighbours: retry each alone.
                stacked.forEach(StepBatcher::alone);
            }
        }
        synchronized (this) {
            rounds++;
            ops += round.size();
            if (stacked.size() > 1) {
                stackedOps += stacked.size();
                maxStacked = Math.max(maxStacked, stacked.size());
            }
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
        double flops = 0;
        for (Op op : stacked) {
            flops += flopsOf.applyAsDouble(op);
        }
        try (NDManager round = parent.newSubManager(); IntraOpThreads.Work threads = IntraOpThreads.forWork(flops, configuredThreads)) {
            NDList columns = new NDList(arity);
            for (int i = 0; i < arity; i++) {
                NDList parts = new NDList(stacked.size());
                for (Op op : stacked) {
                    parts.add(op.inputs.get(i));
                }
                NDArray column = NDArrays.concat(parts, 0);
                column.attach(round);
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

    /** Counts since the batcher was made. */
    public BatchStatistics statistics() {
        int now = members();
        synchronized (this) {
            return new BatchStatistics(rounds, ops, stackedOps, maxStacked, now);
        }
    }

    /** Member threads now (decoding, not in a listener). */
    public int members() {
        lock.lock();
        try {
            return members;
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
