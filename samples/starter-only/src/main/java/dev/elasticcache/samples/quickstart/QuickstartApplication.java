package dev.elasticcache.samples.quickstart;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The first ten lines a Spring developer writes: the starter, {@code ChatClient.Builder}, a {@code @Tool} and a
 * record. Run with {@code ./mvnw -q -f samples/starter-only spring-boot:run} after the root install.
 */
@SpringBootApplication
public class QuickstartApplication {

    public static void main(String[] args) {
        SpringApplication.run(QuickstartApplication.class, args);
    }

    @Bean
    ApplicationRunner demo(TravelAssistant assistant) {
        return args -> {
            if (Boolean.getBoolean("quickstart.skip")) {
                return;
            }
            System.out.println(assistant.ask("What is the weather in Oslo?"));
            System.out.println(assistant.booking("Record to JSON: id:36291742 from:PSK to:UJX seat:70V gate:V71 class:W bag:7"));
        };
    }

    @Bean
    TravelAssistant travelAssistant(ChatClient.Builder builder) {
        return new TravelAssistant(builder.build(), new WeatherTools());
    }
}
