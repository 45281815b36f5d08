namespace PpkmOnnx.Benchmarking.Baselines;

/// <summary>The linear model trained on TF-IDF features by <see cref="TfidfBaseline"/>.</summary>
public enum LinearModelKind
{
    /// <summary>One-versus-rest L2-regularised logistic regression (LIBLINEAR-style dual coordinate descent).</summary>
    LogisticRegression,
    /// <summary>One-versus-rest L2-loss linear SVMs (our LIBLINEAR-style dual coordinate descent, as scikit-learn's
    /// <c>LinearSVC</c>): the classical "SVM" baseline.</summary>
    LinearSvm,
}

/// <summary>How <see cref="TfidfBaseline"/> featurizes texts and which linear model it trains.</summary>
public sealed record TfidfBaselineOptions
{
    /// <summary>The linear model.</summary>
    public LinearModelKind Model { get; init; } = LinearModelKind.LinearSvm;
    /// <summary>Longest word n-gram (1 = unigrams only).</summary>
    public int WordNgramLength { get; init; } = 2;
    /// <summary>Longest character n-gram within word boundaries (0 = none); they catch Indonesian affixes and slang spellings.</summary>
    public int CharNgramLength { get; init; } = 4;
    /// <summary>Keep n-grams that occur in at least this many training texts (scikit-learn's <c>min_df</c>).</summary>
    public int MinDocumentFrequency { get; init; } = 1;
    /// <summary>Term frequency as 1 + ln tf (scikit-learn's <c>sublinear_tf</c>) instead of the raw count.</summary>
    public bool SublinearTf { get; init; } = true;
    /// <summary>Inverse regularisation strengths C tried; the one with the best validation macro-F1 is kept (ties: the smaller C).
    /// The test split never takes part in the choice.</summary>
    public IReadOnlyList<double> CGrid { get; init; } = [0.03, 0.1, 0.3, 1, 3];
    /// <summary>Most passes over the training data per fit (dual coordinate-descent passes).</summary>
    public int Iterations { get; init; } = 1000;
    /// <summary>Stopping tolerance of the dual solvers (LIBLINEAR's eps): the SVM's projected-gradient spread, logistic regression's largest sub-problem gradient.</summary>
    public double Tolerance { get; init; } = 0.01;
    /// <summary>Seed of the solvers' coordinate order.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (WordNgramLength < 1) throw new ArgumentException($"word n-gram length must be at least 1, got {WordNgramLength}.");
        if (CharNgramLength < 0) throw new ArgumentException($"char n-gram length cannot be negative, got {CharNgramLength}.");
        if (MinDocumentFrequency < 1) throw new ArgumentException($"minimum document frequency must be at least 1, got {MinDocumentFrequency}.");
        if (CGrid.Count == 0 || CGrid.Any(c => !(c > 0) || double.IsInfinity(c))) throw new ArgumentException($"every C must be positive and finite, got [{string.Join(", ", CGrid)}].");
        if (Iterations < 1) throw new ArgumentException($"iterations must be at least 1, got {Iterations}.");
        if (!(Tolerance > 0)) throw new ArgumentException($"tolerance must be positive, got {Tolerance}.");
    }
}
