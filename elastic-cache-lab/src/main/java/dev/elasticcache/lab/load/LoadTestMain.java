package dev.elasticcache.lab.load;

import dev.elasticcache.lab.Args;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded load test of the chat sample on this machine: {@code clients} concurrent clients post chat
 * requests until {@code requests} were sent or {@code seconds} passed, then it reports throughput, latency
 * percentiles and how every request ended (an answer, a declared overload 429/503, or anything else, which is
 * a failure). Only loopback targets are accepted.
 */
public final class LoadTestMain {
    private LoadTestMain() {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, Set.of("url", "clients", "requests", "seconds", "max-tokens"));
        URI url = URI.create(args.get("url", "http://127.0.0.1:8080/api/chat"));
        if (!InetAddress.getByName(url.getHost()).isLoopbackAddress()) {
            throw new IllegalArgumentException("load tests only target this machine (loopback), not " + url.getHost());
        }
        int clients = args.getInt("clients", 8);
        int total = args.getInt("requests", 200);
        long deadline = System.nanoTime() + Duration.ofSeconds(args.getInt("seconds", 120)).toNanos();
        int maxTokens = args.getInt("max-tokens", 64);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        AtomicInteger sent = new AtomicInteger();
        List<Double> answeredMillis = Collections.synchronizedList(new ArrayList<>());
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(clients);
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread worker = new Thread(() -> {
                try {
                    while (System.nanoTime() < deadline && sent.getAndIncrement() < total) {
                        String body = String.format(Locale.ROOT,
                                "{\"message\":\"Reverse the words: load %d test %d\",\"maxTokens\":%d}", client, sent.get(), maxTokens);
                        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(2))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                        long t0 = System.nanoTime();
                        String outcome;
                        try {
                            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                            int status = response.statusCode();
                            if (status == 200 && response.body().contains("\"answer\"")) {
                                outcome = "200 answer";
                                answeredMillis.add((System.nanoTime() - t0) / 1e6);
                            } else if ((status == 429 || status == 503) && response.headers().firstValue("Retry-After").isPresent()) {
                                outcome = status + " overload (Retry-After)";
                            } else {
                                outcome = status + " FAILURE";
                            }
                        } catch (Exception e) {
                            outcome = "FAILURE " + e.getClass().getSimpleName();
                        }
                        outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                    }
                } finally {
                    done.countDown();
                }
            }, "load-client-" + c);
            worker.setDaemon(true);
            worker.start();
        }
        done.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Double> lat = new ArrayList<>(answeredMillis);
        Collections.sort(lat);
        int finished = outcomes.values().stream().mapToInt(AtomicInteger::get).sum();
        System.out.printf(Locale.ROOT, "%d clients, %d requests in %.1f s: %.2f answers/s%n", clients, finished, seconds,
                lat.size() / seconds);
        System.out.printf(Locale.ROOT, "answer latency ms: p50 %.0f, p90 %.0f, p99 %.0f, max %.0f%n", pct(lat, 50),
                pct(lat, 90), pct(lat, 99), lat.isEmpty() ? Double.NaN : lat.get(lat.size() - 1));
        new TreeMap<>(outcomes).forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-28s %d%n", k, v.get()));
        boolean failures = outcomes.keySet().stream().anyMatch(k -> k.contains("FAILURE"));
        System.out.println(failures ? "RESULT: some requests failed" : "RESULT: every request got an answer or a declared overload");
        System.exit(failures ? 1 : 0);
    }

    private static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
