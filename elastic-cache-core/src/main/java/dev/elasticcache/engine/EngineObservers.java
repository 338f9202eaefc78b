package dev.elasticcache.engine;

import dev.elasticcache.decode.StepRecord;
import dev.elasticcache.decode.Strategy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The engine's {@link EngineObserver}s: told of refusals directly, of the rest through a request's listener. */
final class EngineObservers {
    private final List<EngineObserver> observers = new CopyOnWriteArrayList<>();

    void add(EngineObserver observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
    }

    void refused(EngineObserver.Refusal reason) {
        tell(o -> o.refused(reason));
    }

    /** {@code listener}, telling the observers when the first text arrives and how the request ends. */
    GenerationListener watching(GenerationListener listener, Strategy strategy, long submittedNanos) {
        if (observers.isEmpty()) {
            return listener;
        }
        return new GenerationListener() {
            private boolean first = true;

            @Override
            public void onText(String delta) {
                if (first) {
                    first = false;
                    Duration since = since(submittedNanos);
                    tell(o -> o.firstText(strategy, since));
                }
                listener.onText(delta);
            }

            @Override
            public void onStep(StepRecord step) {
                listener.onStep(step);
            }

            @Override
            public void onComplete(GenerationResult result) {
                Duration since = since(submittedNanos);
                tell(o -> o.completed(result, since));
                listener.onComplete(result);
            }

            @Override
            public void onError(Throwable error) {
                tell(o -> o.failed(error));
                listener.onError(error);
            }
        };
    }

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }

    private void tell(Consumer<EngineObserver> event) {
        for (EngineObserver o : observers) {
            try {
                event.accept(o);
            } catch (RuntimeException e) {
                // an observer's failure must not fail the request it watches
            }
        }
    }
}
