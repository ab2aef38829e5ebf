package dev.rehearsal.core.internal.tools.liquibase;

import dev.rehearsal.core.internal.spring.SpringBoot;
import dev.rehearsal.core.internal.spring.SpringBootConfiguration;
import org.apiguardian.api.API;

import java.util.List;

/**
 * {@code spring.liquibase.*} as Spring Boot binds it ({@link SpringBootConfiguration}): the changelog the application
 * runs and the contexts and labels it runs it with, which Rehearsal takes where its own settings say nothing.
 *
 * @param changeLog   {@code spring.liquibase.change-log} as a Rehearsal location ({@code classpath:db/changelog/...}),
 *                    or null when unset
 * @param contexts    {@code spring.liquibase.contexts}, empty when unset
 * @param labels      {@code spring.liquibase.label-filter} (or the older {@code labels}), empty when unset
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record SpringLiquibase(String changeLog, String contexts, String labels) {

    public static final SpringLiquibase NONE = new SpringLiquibase(null, "", "");

    /** What the application's Spring Boot configuration says, or {@link #NONE} without Spring Boot or settings. */
    public static SpringLiquibase read(ClassLoader loader) {
        if (!SpringBoot.available(loader)) {
            return NONE;
        }
        SpringBootConfiguration spring = SpringBootConfiguration.load(loader, List.of());
        String changeLog = spring.value("spring.liquibase.change-log");
        String labels = spring.value("spring.liquibase.label-filter");
        if (labels == null) {
            labels = spring.value("spring.liquibase.labels");
        }
        String contexts = spring.value("spring.liquibase.contexts");
        return new SpringLiquibase(changeLog == null ? null : changeLog.replaceFirst("^classpath:/+", "classpath:"),
                contexts == null ? "" : contexts, labels == null ? "" : labels);
    }
}
