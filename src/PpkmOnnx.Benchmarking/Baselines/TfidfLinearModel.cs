using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Benchmarking.Baselines;

/// <summary>
/// A trained TF-IDF + one-versus-rest linear model (<see cref="TfidfBaseline"/>'s chosen C): decision values of any text
/// and, for logistic regression, class probabilities.
/// </summary>
public sealed class TfidfLinearModel
{
    private readonly TfidfNgramVectorizer _vectorizer;
    private readonly double[][] _weights;
    private readonly double[] _biases;

    internal TfidfLinearModel(TfidfNgramVectorizer vectorizer, LinearModelKind kind, double[][] weights, double[] biases)
    {
        _vectorizer = vectorizer;
        Kind = kind;
        _weights = weights;
        _biases = biases;
    }

    /// <summary>The linear model's kind.</summary>
    public LinearModelKind Kind { get; }

    /// <summary>Each class's w·x + b for <paramref name="text"/>.</summary>
    public double[] Decision(string text) => Decision(_vectorizer.Transform(text));

    /// <summary>The class with the largest decision value.</summary>
    public int Predict(string text) => ClassScores.ArgMax(Decision(text));

    /// <summary>
    /// Class probabilities as scikit-learn's one-versus-rest <c>LogisticRegression(solver='liblinear').predict_proba</c>
    /// gives them: each class's logistic sigmoid of its decision value, normalised to sum to 1.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is an SVM, whose margins are not probabilities.</exception>
    public double[] Probabilities(string text)
    {
        if (Kind != LinearModelKind.LogisticRegression) throw new InvalidOperationException("only a logistic regression gives class probabilities.");
        var sigmoid = Decision(text).Select(d => 1 / (1 + Math.Exp(-d))).ToArray();
        var sum = sigmoid.Sum();
        return sigmoid.Select(s => s / sum).ToArray();
    }

    internal double[] Decision(SparseVector vector) => _weights.Select((w, k) => vector.Dot(w) + _biases[k]).ToArray();
}
