package dev.elasticcache.samples.chat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter.SseEventBuilder;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * Relays a {@link Flux} to a server-sent-event response and ties their lifetimes together.
 *
 * <ul>
 * <li>An error signalled while subscribing (the engine refuses a request synchronously: invalid input, queue
 * full) is thrown from {@link #open} so the controller's exception handlers answer with a proper status
 * (400, 429) instead of a 200 stream.</li>
 * <li>Later errors (a timeout mid-generation) become a final error event: the status line is already sent.</li>
 * <li>When the client goes away (a failed write, or the container's error / timeout callbacks) the
 * subscription is cancelled, which stops decoding. Comment heartbeats are written while the model produces no
 * text (diffusion decoding can run many steps without finishing a new prefix), so a disconnect is noticed
 * within one heartbeat.</li>
 * </ul>
 */
@Component
public class SseBridge implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SseBridge.class);

    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sse-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final Duration heartbeat;
    private final Duration timeout;

    public SseBridge(@Value("${elastic-cache.sample.sse-heartbeat:2s}") Duration heartbeat,
            @Value("${spring.ai.elastic-cache.request-timeout:5m}") Duration requestTimeout) {
        this.heartbeat = heartbeat;
        // The engine enforces the request timeout itself; the emitter only guards against a stuck stream.
        this.timeout = requestTimeout.plusSeconds(30);
    }

    /**
     * Subscribes to {@code source} and returns the emitter streaming it.
     *
     * @param onItem the events of one element (may be empty)
     * @param onComplete the events written after the last element
     * @param onError the event describing an error that happened after the stream started
     * @throws RuntimeException the error {@code source} signalled while being subscribed to
     */
    public <T> SseEmitter open(Flux<T> source, Function<T, List<SseEventBuilder>> onItem,
            Supplier<List<SseEventBuilder>> onComplete, Function<Throwable, SseEventBuilder> onError) {
        SseEmitter emitter = new SseEmitter(timeout.toMillis());
        Relay<T> relay = new Relay<>(emitter, onItem, onComplete, onError);
        emitter.onCompletion(relay::stop);
        emitter.onTimeout(relay::stop);
        emitter.onError(e -> relay.stop());
        source.subscribe(relay);
        relay.opened();
        return emitter;
    }

    @Override
    public void destroy() {
        heartbeats.shutdownNow();
    }

    private final class Relay<T> extends BaseSubscriber<T> {
        private final SseEmitter emitter;
        private final Function<T, List<SseEventBuilder>> onItem;
        private final Supplier<List<SseEventBuilder>> onComplete;
        private final Function<Throwable, SseEventBuilder> onError;
        private boolean returned;
        private @Nullable Throwable earlyError;
        private volatile @Nullable ScheduledFuture<?> beat;

        Relay(SseEmitter emitter, Function<T, List<SseEventBuilder>> onItem, Supplier<List<SseEventBuilder>> onComplete,
                Function<Throwable, SseEventBuilder> onError) {
            this.emitter = emitter;
            this.onItem = onItem;
            this.onComplete = onComplete;
            this.onError = onError;
        }

        /** Called once {@code subscribe} returned: rethrows an error signalled meanwhile, else starts heartbeats. */
        void opened() {
            Throwable early;
            synchronized (this) {
                returned = true;
                early = earlyError;
            }
            if (early != null) {
                if (early instanceof RuntimeException re) {
                    throw re;
                }
                if (early instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(early.getMessage(), early);
            }
            if (!isDisposed() && !heartbeat.isZero()) {
                long millis = heartbeat.toMillis();
                beat = heartbeats.scheduleAtFixedRate(() -> send(List.of(SseEmitter.event().comment("keep-alive"))),
                        millis, millis, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        protected void hookOnNext(T value) {
            send(onItem.apply(value));
        }

        @Override
        protected void hookOnComplete() {
            if (send(onComplete.get())) {
                emitter.complete();
            }
            stopHeartbeat();
        }

        @Override
        protected void hookOnError(Throwable error) {
            synchronized (this) {
                if (!returned) {
                    earlyError = error;
                    return;
                }
            }
            log.debug("stream failed after it started", error);
            if (send(List.of(onError.apply(error)))) {
                emitter.complete();
            }
            stopHeartbeat();
        }

        /** Writes events; on failure (the client went away) cancels the source. */
        private boolean send(List<SseEventBuilder> events) {
            try {
                for (SseEventBuilder event : events) {
                    emitter.send(event);
                }
                return true;
            } catch (IOException | IllegalStateException e) {
                log.debug("client went away; cancelling the generation: {}", e.toString());
                stop();
                return false;
            }
        }

        /** Cancels the source (stops decoding when it is still running) and the heartbeat. */
        void stop() {
            dispose();
            stopHeartbeat();
        }

        private void stopHeartbeat() {
            ScheduledFuture<?> b = beat;
            if (b != null) {
                b.cancel(false);
            }
        }
    }
}
