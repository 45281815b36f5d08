namespace PpkmOnnx.Core.Packaging;

/// <summary>
/// The input, output and dimension names of the ONNX graphs <c>ppkm export</c> writes. The graph writer names its
/// tensors with these and every reader (the Runtime, bench, the exporter's validator) looks them up by them, so a
/// rename happens here or nowhere.
/// </summary>
public static class ModelGraphNames
{
    /// <summary>Name of the token-id input: int64 [batch, sequence].</summary>
    public const string InputIds = "input_ids";
    /// <summary>Name of the attention-mask input: int64 [batch, sequence], 1 for real tokens.</summary>
    public const string AttentionMask = "attention_mask";
    /// <summary>Name of the token-type input (BERT only): int64 [batch, sequence].</summary>
    public const string TokenTypeIds = "token_type_ids";
    /// <summary>Output of classification models: [batch, num_labels].</summary>
    public const string Logits = "logits";
    /// <summary>Output of base models: [batch, sequence, hidden].</summary>
    public const string LastHiddenState = "last_hidden_state";
    /// <summary>Second output of base models with a pooler: [batch, hidden].</summary>
    public const string PoolerOutput = "pooler_output";
    /// <summary>Symbolic batch dimension.</summary>
    public const string BatchDim = "batch";
    /// <summary>Symbolic sequence dimension.</summary>
    public const string SequenceDim = "sequence";

    /// <summary>
    /// The inputs a classifier is fed, in feeding order, checked against <paramref name="graphInputs"/>: input_ids and
    /// attention_mask are required, token_type_ids is fed (all zeros) when the graph has it, and any other input is refused
    /// because nothing could feed it.
    /// </summary>
    /// <param name="graphInputs">The input names the graph declares.</param>
    /// <param name="modelPath">The ONNX file, for the message.</param>
    /// <exception cref="UserInputException">A required input is missing or the graph has one nobody can feed.</exception>
    public static string[] ClassifierInputs(IEnumerable<string> graphInputs, string modelPath)
    {
        var declared = graphInputs.ToList();
        foreach (var required in new[] { InputIds, AttentionMask })
            if (!declared.Contains(required))
                throw new UserInputException($"{modelPath}: the graph has no '{required}' input (inputs: {string.Join(", ", declared)}).");
        string[] feed = declared.Contains(TokenTypeIds) ? [InputIds, AttentionMask, TokenTypeIds] : [InputIds, AttentionMask];
        var unexpected = declared.Except(feed).ToList();
        if (unexpected.Count > 0) throw new UserInputException($"{modelPath}: unexpected graph inputs {string.Join(", ", unexpected)} (only {InputIds}, {AttentionMask} and {TokenTypeIds} can be fed).");
        return feed;
    }

    /// <summary>The output a classifier's scores are read from: <see cref="Logits"/>, else the graph's first output.</summary>
    /// <exception cref="UserInputException">The graph has no outputs.</exception>
    public static string ClassifierOutput(IEnumerable<string> graphOutputs, string modelPath)
    {
        var declared = graphOutputs.ToList();
        return declared.Contains(Logits) ? Logits
            : declared.FirstOrDefault() ?? throw new UserInputException($"{modelPath}: the graph has no outputs.");
    }
}
