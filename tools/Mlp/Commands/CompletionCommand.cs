using System.CommandLine;

namespace Mlp.Commands;

/// <summary>
/// <c>mlp completion bash|zsh</c>: the script that makes the shell complete mlp's commands, options and choices. The
/// script asks mlp itself (System.CommandLine's <c>[suggest:POSITION]</c> directive with the line after <c>mlp</c>),
/// so completion always matches the installed version. zsh uses the same function through <c>bashcompinit</c>.
/// </summary>
public static class CompletionCommand
{
    /// <summary>The bash function (the zsh script loads it too).</summary>
    public const string Bash = """
        # mlp's completion for bash: source it, e.g. from ~/.bashrc:  source <(mlp completion bash)
        _mlp_complete() {
            local command="${COMP_LINE%% *}"
            local line="${COMP_LINE#"$command"}"
            line="${line# }"
            local position=$(( COMP_POINT - ${#COMP_LINE} + ${#line} ))
            (( position < 0 )) && position=0
            local word="${COMP_WORDS[COMP_CWORD]}"
            local IFS=$'\n'
            COMPREPLY=( $(compgen -W "$("$command" "[suggest:${position}]" "$line" 2>/dev/null)" -- "$word") )
        }
        complete -o default -F _mlp_complete mlp
        """;

    /// <summary>The zsh script.</summary>
    public const string Zsh = "# mlp's completion for zsh: source it, e.g. from ~/.zshrc:  source <(mlp completion zsh)\n"
        + "autoload -Uz compinit bashcompinit && compinit && bashcompinit\n" + Bash + "\n";

    /// <summary>The <c>completion</c> command.</summary>
    public static Command Create()
    {
        var shell = new Argument<string>("SHELL") { Description = "bash or zsh." }.AcceptOnlyFromAmong("bash", "zsh");
        var completion = new Command("completion", "Prints the script that makes bash or zsh complete mlp's commands and options: source <(mlp completion bash).");
        completion.Arguments.Add(shell);
        completion.SetAction(parsed =>
        {
            parsed.InvocationConfiguration.Output.WriteLine(parsed.GetValue(shell) == "zsh" ? Zsh : Bash);
            return 0;
        });
        return completion;
    }
}
