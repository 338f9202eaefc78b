package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What can be checked of {@code deploy/} without a cluster or Docker: the manifests parse; their probe paths, the
 * metrics path and the metric names they read are served by this app (asked of the running app, not assumed); ports,
 * labels and selectors agree; the grace period covers the drain; and the Dockerfile runs the jar the README's
 * install command builds (docs/operations.md says how), as the README's main-job command runs it.
 */
class DeploymentFilesTests extends AppTest {
    static final Path DEPLOY = Path.of("..", "..", "deploy");

    @Test
    void theManifestsReferToWhatTheAppServes() throws Exception {
        Map<String, Map<String, Object>> docs = manifests();
        Map<String, Object> pod = map(map(map(docs.get("Deployment/elastic-cache-chat"), "spec"), "template"), "spec");
        Map<String, Object> container = list(pod, "containers").get(0);
        int port = (Integer) list(container, "ports").get(0).get("containerPort");
        assertThat(port).isEqualTo(Integer.parseInt(appProperties().getProperty("server.port")));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            String path = (String) map(map(container, probe), "httpGet").get("path");
            assertThat(get(path).statusCode()).as(probe + " " + path).isEqualTo(200);
        }
        assertThat((String) map(map(container, "readinessProbe"), "httpGet").get("path")).endsWith("/readiness");
        assertThat((String) map(map(container, "livenessProbe"), "httpGet").get("path")).endsWith("/liveness");

        // The grace period covers the preStop pause, the drain and the web server's graceful stop.
        Map<String, String> env = new java.util.HashMap<>();
        list(container, "env").forEach(e -> env.put((String) e.get("name"), (String) e.get("value")));
        long drain = Duration.parse("PT" + env.get("SPRING_AI_ELASTIC_CACHE_DRAIN_TIMEOUT").toUpperCase()).toSeconds();
        long phase = Duration.parse("PT" + env.get("SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE").toUpperCase()).toSeconds();
        assertThat((Integer) pod.get("terminationGracePeriodSeconds")).isGreaterThan((int) (3 + drain + phase));

        String scrape = get("/actuator/prometheus").body();
        Map<String, Object> annotations = map(map(map(docs.get("Deployment/elastic-cache-chat"), "spec"), "template"), "metadata");
        assertThat(map(annotations, "annotations").get("prometheus.io/path")).isEqualTo("/actuator/prometheus");

        Map<String, Object> service = map(docs.get("Service/elastic-cache-chat"), "spec");
        assertThat(list(service, "ports").get(0).get("targetPort")).isEqualTo(list(container, "ports").get(0).get("name"));
        assertThat(service.get("selector")).isEqualTo(map(map(map(docs.get("Deployment/elastic-cache-chat"), "spec"),
                "template"), "metadata").get("labels"));

        String query = (String) map(list(map(docs.get("ScaledObject/elastic-cache-chat"), "spec"), "triggers").get(0),
                "metadata").get("query");
        assertThat(metricNames(query)).isNotEmpty().allSatisfy(m -> assertThat(scrape).contains(m + "{"));
        assertThat(query).contains("model=\"tiny-llada-tools\"");
        assertThat(scrape).contains("model=\"tiny-llada-tools\"");

        Map<String, Object> pool = map(docs.get("InferencePool/elastic-cache-chat"), "spec");
        assertThat(list(pool, "targetPorts").get(0).get("number")).isEqualTo(port);
        assertThat(map(pool, "selector").get("matchLabels")).isEqualTo(service.get("selector"));
        assertThat(map(pool, "endpointPickerRef").get("name")).isEqualTo("elastic-cache-chat-epp");
        assertThat(docs).containsKey("Service/elastic-cache-chat-epp");
        List<Object> args = (List<Object>) list(map(map(map(docs.get("Deployment/elastic-cache-chat-epp"), "spec"),
                "template"), "spec"), "containers").get(0).get("args");
        for (Object a : args) {
            String arg = (String) a;
            if (arg.startsWith("--model-server-metrics-path=")) {
                assertThat(get(arg.substring(arg.indexOf('=') + 1)).statusCode()).isEqualTo(200);
            } else if (arg.matches("--total-.*-metric=.+|--kv-cache-usage-percentage-metric=.+")) {
                assertThat(scrape).as(arg).contains(arg.substring(arg.indexOf('=') + 1) + "{");
            }
        }
        assertThat(args).contains("--pool-name=elastic-cache-chat");
    }

    @Test
    void theDockerfileRunsTheJarTheReadmeBuilds() throws IOException {
        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
        Matcher copy = Pattern.compile("(?m)^COPY (\\S+) /app/app.jar$").matcher(dockerfile);
        assertThat(copy.find()).isTrue();
        Path jar = Path.of("..", "..").resolve(copy.group(1));
        assertThat(jar.getFileName().toString()).isEqualTo("elastic-cache-sample-spring-ai-chat-"
                + System.getProperty("project.version", "0.1.0-SNAPSHOT") + ".jar");
        assertThat(jar.getParent().normalize()).isEqualTo(Path.of("..", "..", "samples", "spring-ai-chat", "target").normalize());
        assertThat(dockerfile).contains("ENTRYPOINT [\"java\", \"-Dai.djl.offline=true\", \"-jar\", \"/app/app.jar\"]")
                .contains("EXPOSE " + appProperties().getProperty("server.port"));
        assertThat(Files.readString(Path.of("..", "..", "README.md"))).contains("./mvnw -B -q install -DskipTests");
        assertThat(Files.readString(Path.of("..", "..", "docs", "operations.md")))
                .contains("./mvnw -B -q install -DskipTests && docker build -f deploy/Dockerfile -t elastic-cache-chat:0.1.0 .");
    }

    static Map<String, Map<String, Object>> manifests() throws IOException {
        Map<String, Map<String, Object>> docs = new java.util.LinkedHashMap<>();
        try (var files = Files.list(DEPLOY.resolve("k8s"))) {
            for (Path f : files.sorted().toList()) {
                for (Object doc : new Yaml().loadAll(Files.readString(f))) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) doc;
                    assertThat(m).as(f.toString()).containsKeys("apiVersion", "kind", "metadata", "spec");
                    docs.put(m.get("kind") + "/" + map(m, "metadata").get("name"), m);
                }
            }
        }
        assertThat(docs).containsKeys("Deployment/elastic-cache-chat", "Service/elastic-cache-chat",
                "ScaledObject/elastic-cache-chat", "InferencePool/elastic-cache-chat", "InferenceObjective/elastic-cache-chat");
        return docs;
    }

    static Properties appProperties() throws IOException {
        Properties p = new Properties();
        try (var in = DeploymentFilesTests.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        return p;
    }

    static List<String> metricNames(String promql) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(elastic_cache_[a-z_]+)").matcher(promql);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> m, String key) {
        return (List<Map<String, Object>>) m.get(key);
    }
}
