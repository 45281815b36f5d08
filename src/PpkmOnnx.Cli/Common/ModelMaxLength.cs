using System.CommandLine;
using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Cli.Common;

/// <summary>
/// The <c>--max-length</c> option of the commands that train from a Hugging Face folder (train, distill, prune, adapt) and
/// its one rule: a length the user types must fit the model's positions (<see cref="Training.Checkpoints.CheckpointLoader.CheckFolder"/>
/// refuses it before the data is read); the default, 128, is capped at the model's max_position_embeddings, as a
/// tokenizer's model_max_length caps it, so a small model trains without an option it cannot use.
/// </summary>
internal static class ModelMaxLength
{
    /// <summary>Tokens per text when the option is not given and the model has the positions.</summary>
    public const int Default = 128;

    /// <summary>The option, with its range (<paramref name="min"/>..<paramref name="max"/>).</summary>
    public static Option<int> Create(int min, int max) => new Option<int>("--max-length")
    {
        Description = $"Maximum tokens per text, [CLS] and [SEP] included (default {Default}, or the model's max_position_embeddings when smaller).",
        DefaultValueFactory = _ => Default,
    }.InRange(min, max);

    /// <summary>The value typed on the command line, or null when the option was left at its default.</summary>
    public static int? Typed(ParseResult p, Option<int> option) => p.GetResult(option) is { Implicit: false } ? p.GetValue(option) : null;

    /// <summary>The length a run uses: the typed one, else <see cref="Default"/> capped at <paramref name="modelFolder"/>'s positions.</summary>
    public static int Resolve(ParseResult p, Option<int> option, string modelFolder) =>
        Typed(p, option) ?? Math.Min(Default, ModelConfig.Load(modelFolder).MaxPositionEmbeddings);
}
