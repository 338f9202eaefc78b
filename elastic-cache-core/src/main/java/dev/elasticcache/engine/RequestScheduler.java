package dev.elasticcache.engine;

import dev.elasticcache.batch.StepBatcher;
import dev.elasticcache.model.IntraOpThreads;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission and threads: {@code maxBatchSize} decoding threads and a queue of {@code queueCapacity}; a request
 * beyond both is refused at once ({@link EngineOverloadedException}), one after {@link #drain()} too
 * ({@link EngineDrainingException}). It runs each admitted request's decoding on a decoding thread (joined to the
 * step batcher when requests decode together), completes its handle, and keeps the counts the metrics read.
 */
final class RequestScheduler {
    /** The decoding of one admitted request, on a decoding thread. */
    interface Decoding {
        GenerationResult decode(PreparedRequest request, GenerationHandle handle, GenerationListener listener,
                long deadline, Duration timeout);
    }

    private final EngineConfig config;
    private final StepBatcher batcher;
    private final Decoding decoding;
    private final ThreadPoolExecutor worker;
    private final Set<GenerationHandle> inFlight = ConcurrentHashMap.newKeySet();
    /** The intra-op threads of a request that decodes alone (a batch gives its requests one each). */
    private final int allCores;
    private final AtomicLong lastWallNanos = new AtomicLong(1_000_000_000L);
    private final Semaphore admission;
    /** The memory plan's share of the admitted requests (caches, activations, scratch), in bytes. */
    private final AtomicLong requestBytesInUse = new AtomicLong();
    /** Notified whenever an admitted request finishes ({@link #awaitIdle}). */
    private final Object idle = new Object();
    private volatile boolean draining;
    private volatile boolean closed;

    RequestScheduler(EngineConfig config, String modelName, StepBatcher batcher, Decoding decoding) {
        this.config = config;
        this.batcher = batcher;
        this.decoding = decoding;
        // Admission is decided by the permits (maxBatchSize decoding + queueCapacity waiting), released before a
        // request's future completes, so a caller that saw its answer can submit again at once.
        int threads = config.maxBatchSize();
        this.admission = new Semaphore(config.queueCapacity() + threads);
        AtomicLong threadCount = new AtomicLong();
        // Batched, the cores go to concurrent requests: one intra-op thread each. Several decoding threads with
        // OpenMP teams of their own oversubscribe the cores (their idle team threads spin), measured 1x instead of 2x.
        this.allCores = IntraOpThreads.configured();
        int intraOpThreads = threads > 1 ? 1 : allCores;
        this.worker = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(() -> {
                // Every decoding thread multiplies alike (a fresh thread may not: IntraOpThreads.configured).
                IntraOpThreads.set(intraOpThreads);
                r.run();
            }, "elastic-cache-decoder-" + modelName + (threads > 1 ? "-" + threadCount.incrementAndGet() : ""));
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Admits {@code request} and queues its decoding; returns at once.
     *
     * @throws EngineOverloadedException when every thread and queue place is taken
     * @throws IllegalStateException when the scheduler is closed
     */
    GenerationHandle admit(PreparedRequest request, GenerationListener listener, long deadline, Duration timeout) {
        if (!admission.tryAcquire()) {
            throw new EngineOverloadedException(config.queueCapacity(), retryAfter());
        }
        GenerationHandle handle = new GenerationHandle();
        inFlight.add(handle);
        requestBytesInUse.addAndGet(request.memoryBytes());
        try {
            worker.execute(() -> run(request, handle, listener, deadline, timeout));
        } catch (RejectedExecutionException e) {
            finished(request, handle);
            throw new IllegalStateException("the elastic-cache engine is closed", e);
        }
        return handle;
    }

    private void run(PreparedRequest request, GenerationHandle handle, GenerationListener listener, long deadline,
            Duration timeout) {
        GenerationResult result = null;
        Throwable failure = null;
        try {
            if (handle.isCancelled() || closed) {
                throw closed ? new IllegalStateException("the elastic-cache engine is closed")
                        : new CancellationException("cancelled before start");
            }
            if (System.nanoTime() > deadline) {
                throw new GenerationTimeoutException(timeout);
            }
            if (batcher != null) {
                // A request that starts alone has every core, whatever max-batch-size says (a lone step of a large
                // model would otherwise run at half speed on two cores); requests that overlap get one each.
                IntraOpThreads.set(inFlight.size() <= 1 ? allCores : 1);
                batcher.join();
            }
            result = decoding.decode(request, handle, listener, deadline, timeout);
            lastWallNanos.set(result.stats().wallNanos());
        } catch (Throwable e) {
            failure = e;
        } finally {
            if (batcher != null) {
                batcher.leave();
            }
            finished(request, handle);
        }
        // The listener hears first, so a caller that waits on the result never sees it before the listener's
        // completion; the result completes even if the listener throws.
        if (failure == null) {
            try {
                listener.onComplete(result);
            } finally {
                handle.result().complete(result);
            }
        } else {
            try {
                listener.onError(failure);
            } finally {
                handle.result().completeExceptionally(failure);
            }
        }
    }

    private void finished(PreparedRequest request, GenerationHandle handle) {
        inFlight.remove(handle);
        requestBytesInUse.addAndGet(-request.memoryBytes());
        admission.release();
        synchronized (idle) {
            idle.notifyAll();
        }
    }

    /** About one generation's time per request ahead in the queue: when a refused request may try again. */
    Duration retryAfter() {
        long nanos = lastWallNanos.get() * Math.max(1, worker.getQueue().size()) / config.maxBatchSize();
        return Duration.ofSeconds(Math.max(1, (long) Math.ceil(nanos / 1e9)));
    }

    void drain() {
        draining = true;
    }

    boolean isDraining() {
        return draining;
    }

    int decodingRequests() {
        return worker.getActiveCount();
    }

    int queuedRequests() {
        return worker.getQueue().size();
    }

    int admittedRequests() {
        return inFlight.size();
    }

    long requestMemoryInUse() {
        return requestBytesInUse.get();
    }

    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (!inFlight.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    /** Cancels queued and running requests and waits (up to a minute) for the decoding threads to end. */
    void close() {
        closed = true;
        inFlight.forEach(GenerationHandle::cancel);
        worker.shutdown();
        try {
            worker.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
