package dev.rehearsal.core.internal.helper;

import dev.rehearsal.core.internal.tools.alembic.AlembicSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A helper script's temporary folder goes with everything the interpreter wrote into it. */
class HelperScriptTest {

    @Test
    void deletingAScriptRemovesItsFolderWithThePythonCacheOfItsProtocolModule() throws Exception {
        HelperScript script = HelperScript.write(AlembicSource.class, "rehearsal_alembic.py");
        Path folder = script.file().getParent();
        // Python imports the protocol module as the helper does, and writes its byte code beside it (as it does
        // unless the environment says otherwise, which a user's seldom does)
        ProcessBuilder builder = new ProcessBuilder(List.of("python3", "-c",
                "import sys; sys.path.insert(0, sys.argv[1]); import rehearsal_protocol", folder.toString()))
                .redirectErrorStream(true);
        builder.environment().remove("PYTHONDONTWRITEBYTECODE");
        builder.environment().remove("PYTHONPYCACHEPREFIX");
        Process python = builder.start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as(output).isZero();
        assertThat(folder.resolve("__pycache__")).as("what Python wrote beside the script").isDirectory();

        script.delete();

        assertThat(Files.exists(folder)).as("the script's folder " + folder).isFalse();
    }
}
