namespace PpkmOnnx.Training.Pruning;

/// <summary>
/// Importance of every attention head and feed-forward neuron of a model, normalised per layer (see
/// <see cref="ImportanceScorer"/> for the formulas). Indices are the model's current ones (after any earlier pruning).
/// </summary>
/// <param name="Heads">Per layer, one score per head the layer has; each layer's vector has unit ℓ2 norm.</param>
/// <param name="Neurons">Per layer, one score per FFN intermediate neuron; each layer's vector has unit ℓ2 norm.</param>
/// <param name="Rows">Training rows the expectation was taken over.</param>
public sealed record ImportanceScores(IReadOnlyList<double[]> Heads, IReadOnlyList<double[]> Neurons, int Rows);
