package dev.rehearsal.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * {@code rehearsal completion bash|zsh}: the shell completion script of every command and option, as picocli
 * generates it from the command line's own definition (one script serves both shells: in zsh it loads bash's
 * completion support first).
 */
@Command(name = "completion", mixinStandardHelpOptions = true, versionProvider = RehearsalCli.Version.class,
        description = {"Prints the shell completion script for bash or zsh.",
                "bash: source <(rehearsal completion bash), or save it in /etc/bash_completion.d/rehearsal.",
                "zsh: source <(rehearsal completion zsh) in ~/.zshrc."})
final class CompletionCommand implements Callable<Integer> {

    enum Shell { bash, zsh }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "<shell>", description = "bash or zsh.")
    Shell shell;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        spec.commandLine().getOut().print(AutoComplete.bash(root.getCommandName(), root));
        spec.commandLine().getOut().flush();
        return RehearsalCli.CLEAN;
    }
}
