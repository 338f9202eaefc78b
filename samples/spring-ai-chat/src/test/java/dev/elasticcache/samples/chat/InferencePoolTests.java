package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances of the sample, each its own JVM, behind HAProxy (Debian's package) on loopback, with health checks
 * on the readiness probe and L7 retries of 503s and refused connections. A closed loop of chat, streaming and
 * OpenAI-compatible requests runs while one instance is stopped gracefully (SIGTERM: it drains) and then another is
 * killed (SIGKILL). Asserted: no request fails before the kill (the draining instance finishes everything it admitted
 * and its refusals are retried elsewhere), every failure after it is one the client retries (a cut stream or a 502
 * from the killed instance, a 503, a refused connection), and every operation of the load completes. The counts are
 * printed as the report. Skipped with a message when {@code haproxy} is not installed ({@code .ci/run} installs it).
 */
class InferencePoolTests {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int CLIENTS = 6;
    private static final int CLIENT_ATTEMPTS = 6;

    @TempDir
    Path tmp;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void aPoolLosesNothingWhenOneInstanceDrainsAndAnotherIsKilled() throws Exception {
        Path haproxy = Path.of("/usr/sbin/haproxy");
        assumeTrue(Files.isExecutable(haproxy), "haproxy is not installed (apt-get install haproxy); .ci/run installs it");
        int[] ports = {freePort(), freePort(), freePort()};
        List<Process> instances = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            instances.add(startInstance("abc".charAt(i), ports[i]));
        }
        for (int port : ports) {
            awaitReady(port);
        }
        int front = freePort();
        Path config = tmp.resolve("haproxy.cfg");
        Files.writeString(config, haproxyConfig(front, ports));
        Process balancer = start(List.of(haproxy.toString(), "-db", "-f", config.toString()), tmp.resolve("haproxy.log"));
        awaitStatus(front, "/actuator/health/readiness", 200);

        Load load = new Load(front);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(24);
        List<Future<?>> loops = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            loops.add(clients.submit(() -> load.loop(client, end)));
        }
        TimeUnit.SECONDS.sleep(7);
        Process drained = instances.get(0);
        drained.destroy(); // SIGTERM: readiness down, 503 to new requests, admitted ones finish, then exit
        TimeUnit.SECONDS.sleep(7);
        load.killedAt.set(System.nanoTime());
        instances.get(1).destroyForcibly(); // SIGKILL: whatever it was decoding is cut
        for (Future<?> loop : loops) {
            loop.get(3, TimeUnit.MINUTES);
        }
        clients.shutdown();
        assertThat(drained.waitFor(60, TimeUnit.SECONDS)).as("the drained instance exits").isTrue();
        balancer.destroy();

        String drainLog = Files.readAllLines(tmp.resolve("instance-a.log")).stream()
                .filter(l -> l.contains("Drain")).map(l -> l.replaceAll("^.*(Drain)", "$1")).reduce("", (a, b) -> a + "\n" + b);
        String report = load.report(drained.exitValue()) + drainLog;
        System.out.println(report);
        Files.writeString(Path.of("target", "inference-pool-report.txt"), report);
        assertThat(load.operations.get()).as(report).isGreaterThan(30);
        assertThat(load.abandoned.get()).as("operations that never completed: " + report).isZero();
        assertThat(load.failuresBeforeKill.get()).as("failures before the kill (the drain lost something): " + report).isZero();
        assertThat(load.completedBy.getOrDefault("a", new AtomicInteger()).get()).as(report).isPositive();
        assertThat(load.completedBy.getOrDefault("c", new AtomicInteger()).get()).as(report).isPositive();
        assertThat(drained.exitValue()).as("SIGTERM ends the JVM through its shutdown hooks").isEqualTo(143);
        assertThat(drainLog).as(report).contains("Drained: the ");
        assertThat(Files.readString(tmp.resolve("instance-a.log"))).doesNotContain("Exception in thread");
    }

    /** The client side of the load: each loop sends one operation after another, retrying what failed. */
    static final class Load {
        final int front;
        final AtomicInteger operations = new AtomicInteger();
        final AtomicInteger abandoned = new AtomicInteger();
        final AtomicInteger failuresBeforeKill = new AtomicInteger();
        final AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> completedBy = new ConcurrentHashMap<>();

        Load(int front) {
            this.front = front;
        }

        void loop(int client, long end) {
            for (int n = 0; System.nanoTime() < end; n++) {
                String kind = switch ((client + n) % 3) {
                    case 0 -> "chat";
                    case 1 -> "stream";
                    default -> "openai";
                };
                operations.incrementAndGet();
                boolean done = false;
                for (int attempt = 0; attempt < CLIENT_ATTEMPTS && !done; attempt++) {
                    String failure = attempt(kind, n);
                    if (failure == null) {
                        done = true;
                    } else {
                        failures.computeIfAbsent(failure, k -> new AtomicInteger()).incrementAndGet();
                        if (System.nanoTime() < killedAt.get()) {
                            failuresBeforeKill.incrementAndGet();
                        }
                        try {
                            TimeUnit.MILLISECONDS.sleep(200L * (attempt + 1));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
                if (!done) {
                    abandoned.incrementAndGet();
                }
            }
        }

        /** One try; null when it completed with a whole answer, else what went wrong. */
        String attempt(String kind, int n) {
            String words = "robot flame heart queen lemon mango water radio noble house";
            String message = "Uppercase these words: " + words;
            int tokens = n % 2 == 0 ? 64 : 128;
            String path;
            String body;
            switch (kind) {
                case "chat" -> {
                    path = "/api/chat";
                    body = "{\"message\":\"" + message + "\",\"maxTokens\":" + tokens + ",\"strategy\":\"llada\"}";
                }
                case "stream" -> {
                    path = "/api/chat/stream";
                    body = "{\"message\":\"" + message + "\",\"maxTokens\":" + tokens + "}";
                }
                default -> {
                    path = "/v1/chat/completions";
                    body = "{\"model\":\"tiny-llada\",\"max_tokens\":" + tokens + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                            + message + "\"}]}";
                }
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front + path))
                        .timeout(Duration.ofMinutes(1)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                String server = r.headers().firstValue("X-Served-By").orElse("?");
                if (r.statusCode() != 200) {
                    return "HTTP " + r.statusCode() + " (" + kind + ")";
                }
                boolean whole = switch (kind) {
                    case "stream" -> r.body().contains("event:done");
                    case "openai" -> r.body().contains("\"finish_reason\"");
                    default -> r.body().contains("\"finishReason\"");
                };
                if (!whole || !r.body().contains("ROBOT")) {
                    return "cut " + kind + " from " + server;
                }
                completedBy.computeIfAbsent(server, k -> new AtomicInteger()).incrementAndGet();
                return null;
            } catch (ConnectException e) {
                return "connection refused";
            } catch (IOException e) {
                return "connection broken (" + kind + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }

        String report(int drainedExit) {
            Map<String, Integer> f = new TreeMap<>();
            failures.forEach((k, v) -> f.put(k, v.get()));
            Map<String, Integer> by = new TreeMap<>();
            completedBy.forEach((k, v) -> by.put(k, v.get()));
            return "inference pool on loopback: 3 instances behind HAProxy, " + CLIENTS + " closed-loop clients for 24 s;"
                    + " instance a stopped with SIGTERM at 7 s (exit " + drainedExit + "), b killed with SIGKILL at 14 s\n"
                    + "operations " + operations.get() + ", completed " + (operations.get() - abandoned.get())
                    + ", abandoned " + abandoned.get() + "; completed by instance " + by + "\n"
                    + "failed attempts seen by clients (each retried): " + f + "; before the kill: " + failuresBeforeKill.get();
        }
    }

    private Process startInstance(char name, int port) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m",
                "-Dai.djl.pytorch.num_threads=1", "-cp", System.getProperty("java.class.path"),
                ChatApplication.class.getName(), "--server.port=" + port, "--spring.application.name=instance-" + name,
                "--spring.ai.elastic-cache.max-batch-size=2", "--spring.ai.elastic-cache.queue-capacity=8",
                "--spring.ai.elastic-cache.drain-timeout=30s", "--logging.level.root=WARN",
                // The text model: every answer is checkable (the upper-cased words), whichever instance gives it.
                "--spring.ai.elastic-cache.embedded-model=tiny-llada",
                "--logging.level.dev.elasticcache=INFO");
        return start(command, tmp.resolve("instance-" + name + ".log"));
    }

    private Process start(List<String> command, Path log) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    static String haproxyConfig(int front, int[] ports) {
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < ports.length; i++) {
            servers.append("  server ").append("abc".charAt(i)).append(" 127.0.0.1:").append(ports[i]).append(" check\n");
        }
        return """
                global
                  maxconn 256
                defaults
                  mode http
                  timeout connect 1s
                  timeout client 90s
                  timeout server 90s
                  retries 3
                  option redispatch 1
                  # a 503 (draining, overloaded) or a refused connection is tried on another instance
                  retry-on conn-failure empty-response 503
                  option http-buffer-request
                frontend pool
                  bind 127.0.0.1:%d
                  default_backend instances
                backend instances
                  balance leastconn
                  option httpchk GET /actuator/health/readiness
                  http-check expect status 200
                  default-server inter 250ms fall 1 rise 2
                  http-response set-header X-Served-By %%s
                %s""".formatted(front, servers);
    }

    private static void awaitReady(int port) throws Exception {
        awaitStatus(port, "/actuator/health/readiness", 200);
    }

    private static void awaitStatus(int port, String path, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == status) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new AssertionError("127.0.0.1:" + port + path + " did not answer " + status + " within 3 minutes");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
