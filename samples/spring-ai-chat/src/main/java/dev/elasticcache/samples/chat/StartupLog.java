package dev.elasticcache.samples.chat;

import dev.elasticcache.engine.ModelInfo;
import dev.elasticcache.spring.ai.ElasticCacheChatModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Tells, once the app is up, where to point a browser and a curl. */
@Component
public class StartupLog {

    private static final Logger log = LoggerFactory.getLogger(StartupLog.class);

    private final ElasticCacheChatModel chatModel;
    private final Environment environment;

    public StartupLog(ElasticCacheChatModel chatModel, Environment environment) {
        this.chatModel = chatModel;
        this.environment = environment;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void ready() {
        String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
        String base = "http://localhost:" + port;
        ModelInfo model = chatModel.getEngine().modelInfo();
        log.info("""

                Elastic-Cache chat is ready: model {} ({} parameters on {}, loaded in {} ms)
                  Browser: {}/  (watch it decode: {}/#decode)
                  curl:    curl -s {}/api/chat -H 'Content-Type: application/json' -d '{"message":"Uppercase these words: robot flame heart queen lemon mango water radio noble house","strategy":"elastic"}'
                  Tools:   curl -s {}/api/chat -H 'Content-Type: application/json' -d '{"message":"What is the weather in Oslo?","tools":true}'
                  JSON:    curl -s {}/api/booking -H 'Content-Type: application/json' -d '{"message":"Record to JSON: id:36291742 from:PSK to:UJX seat:70V gate:V71 class:W bag:7"}'
                  OpenAI:  curl -s {}/v1/chat/completions -H 'Content-Type: application/json' \\
                             -d '{"model":"{}","messages":[{"role":"user","content":"Uppercase these words: robot flame heart queen lemon mango water radio noble house"}]}'
                  Health:  curl -s {}/actuator/health""",
                model.name(), model.parameters(), model.device(), model.loadTime().toMillis(), base, base, base, base, base, base,
                model.name(), base);
    }
}
