package dev.rehearsal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Prepares, on a second thread, what a check needs after its options are parsed: the JDBC drivers' and JSON library's
 * classes, whose loading and static set-up would otherwise wait until picocli has built its model on the main thread.
 * Only classes are loaded and initialised (as the run would do anyway); nothing connects or changes any setting.
 */
final class Preload {

    private static final String[] CLASSES = {"org.postgresql.Driver", "org.mariadb.jdbc.Driver",
            "com.fasterxml.jackson.databind.ObjectMapper"};

    private Preload() {
    }

    static void start() {
        Thread thread = new Thread(Preload::load, "rehearsal-preload");
        thread.setDaemon(true);
        thread.start();
    }

    private static void load() {
        ClassLoader loader = Preload.class.getClassLoader();
        for (String name : CLASSES) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // not packed in this build: the run loads what it needs itself
            }
        }
        try {
            new ObjectMapper(); // the mapper's own set-up, which the report repeats
        } catch (LinkageError e) {
            // as above
        }
    }
}
