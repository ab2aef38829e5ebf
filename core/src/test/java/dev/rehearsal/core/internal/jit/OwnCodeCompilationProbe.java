package dev.rehearsal.core.internal.jit;

import dev.rehearsal.core.MigrationVersion;
import dev.rehearsal.core.internal.data.DataChecks;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * What {@link OwnCodeCompilationTest} runs in a JVM of its own: applies the setting, then calls a method of
 * Rehearsal's core and one of its data generator's package often enough for C2's threshold, and prints the outcome
 * and the JVM's compiler directives. The JVM's {@code -XX:+PrintCompilation} lines show where each method ended.
 */
public final class OwnCodeCompilationProbe {

    private OwnCodeCompilationProbe() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("outcome " + OwnCodeCompilation.apply().join());
        MigrationVersion a = MigrationVersion.parse("1.2.3");
        MigrationVersion b = MigrationVersion.parse("1.2.4");
        long sum = 0;
        for (int i = 0; i < 200_000; i++) {
            sum += a.compareTo(b) + (DataChecks.mentions("update orders set total = 0", i % 2 == 0 ? "orders" : "x") ? 1 : 0);
        }
        Thread.sleep(500); // the compile queue drains
        Object directives = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint", null, null);
        System.out.println("directives " + String.valueOf(directives).replace('\n', ' '));
        System.out.println("sum " + sum);
    }
}
