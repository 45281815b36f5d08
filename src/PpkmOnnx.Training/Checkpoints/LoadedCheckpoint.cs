using PpkmOnnx.Training.Models;

namespace PpkmOnnx.Training.Checkpoints;

/// <summary>A model built from a checkpoint folder, with what the load had to add or skip.</summary>
public sealed class LoadedCheckpoint : IDisposable
{
    internal LoadedCheckpoint(SequenceClassifier model, string folder, IReadOnlyList<string> newlyInitialized, IReadOnlyList<string> ignored)
    {
        Model = model;
        Folder = folder;
        NewlyInitialized = newlyInitialized;
        Ignored = ignored;
    }

    /// <summary>The model (its <see cref="SequenceClassifier.Config"/> carries the effective labels).</summary>
    public SequenceClassifier Model { get; }

    /// <summary>The folder it came from (also where the tokenizer files are).</summary>
    public string Folder { get; }

    /// <summary>Parameters absent from the checkpoint and initialised fresh (e.g. pooler, classifier head), Hugging Face names.</summary>
    public IReadOnlyList<string> NewlyInitialized { get; }

    /// <summary>Checkpoint tensors deliberately not loaded (pre-training heads, <c>position_ids</c> buffers).</summary>
    public IReadOnlyList<string> Ignored { get; }

    /// <summary>
    /// How the checkpoint's classification head was fitted to the classes asked for (rows reordered by name, or started
    /// fresh for other classes); null when it was used as it is or there was none.
    /// </summary>
    public string? HeadOutcome { get; init; }

    /// <summary>Releases the model's native tensors.</summary>
    public void Dispose() => Model.Dispose();
}
