package dev.rehearsal.junit.internal;

import dev.rehearsal.core.config.Configuration;
import dev.rehearsal.core.config.Setting;

import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.junit.MigrationMatrix;
import org.apiguardian.api.API;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Gives a {@link MigrationMatrix} method one invocation per database. Each invocation records its target in the
 * test's store, where {@link RehearsalExtension} finds it when it makes the throwaway database.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class MatrixExtension implements TestTemplateInvocationContextProvider {

    static final String TARGET = "matrix-target";
    static final String EMBEDDED = "embedded";

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> AnnotationSupport.isAnnotated(m, MigrationMatrix.class)).orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        MigrationMatrix matrix = AnnotationSupport.findAnnotation(context.getRequiredTestMethod(), MigrationMatrix.class)
                .orElseThrow();
        Configuration configuration = RehearsalExtension.configuration(context);
        List<String> targets = new ArrayList<>(Arrays.asList(matrix.databases()));
        if (targets.isEmpty()) {
            RehearsalExtension.engines(context).forEach(e -> targets.add(e.id()));
        }
        if (targets.isEmpty()) {
            targets.addAll(configuration.list(Setting.MATRIX));
        }
        if (targets.isEmpty()) {
            targets.add(EMBEDDED);
        }
        return targets.stream().map(target -> {
            try {
                DatabaseProvider provider = RehearsalExtension.provider(context, configuration, target);
                return new Invocation(target, provider.describe().replaceFirst(" on port \\d+", ""), null);
            } catch (RehearsalException e) {
                // only this database's invocation fails, with the reason; the others still run
                return new Invocation(target, target, e);
            }
        });
    }

    private record Invocation(String target, String name, RehearsalException failure) implements TestTemplateInvocationContext {
        @Override
        public String getDisplayName(int invocationIndex) {
            return "[" + name + "]";
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of((BeforeEachCallback) context -> {
                if (failure != null) {
                    throw failure;
                }
                context.getStore(RehearsalExtension.NAMESPACE).put(TARGET, target);
            });
        }
    }

    /** A target that is neither {@code embedded} nor a JDBC URL. */
    static RehearsalException badTarget(String target) {
        return new RehearsalException("@MigrationMatrix database \"" + target + "\" is neither \"embedded\", an engine"
                + " (\"postgres\", \"mariadb\"), a JDBC URL such as jdbc:postgresql://127.0.0.1:5432/postgres, nor a"
                + " container image such as docker:postgres:17");
    }
}
