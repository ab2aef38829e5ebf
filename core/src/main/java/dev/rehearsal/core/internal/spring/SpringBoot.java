package dev.rehearsal.core.internal.spring;

import org.apiguardian.api.API;

/**
 * Whether Spring Boot is there to read a project's configuration. Kept apart from {@link SpringBootConfiguration},
 * which names Spring's types: loading that class where Spring Boot is absent fails, and asking must not.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SpringBoot {

    private static final String BINDER = "org.springframework.boot.context.properties.bind.Binder";

    private SpringBoot() {
    }

    /** Whether Spring Boot's binder can be used from {@code loader} (and from Rehearsal's own classes). */
    public static boolean available(ClassLoader loader) {
        try {
            Class.forName(BINDER, false, loader);
            Class.forName(BINDER, false, SpringBoot.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
