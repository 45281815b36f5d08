namespace PpkmOnnx.Benchmarking.Baselines;

/// <summary>The linear model trained on TF-IDF features by <see cref="TfidfBaseline"/>.</summary>
public enum LinearModelKind
{
    /// <summary>Multinomial logistic regression (ML.NET SDCA maximum entropy).</summary>
    LogisticRegression,
    /// <summary>One-versus-all linear SVMs (ML.NET LinearSvm, hinge loss): the classical "SVM" baseline.</summary>
    LinearSvm,
}

/// <summary>How <see cref="TfidfBaseline"/> featurizes texts and which linear model it trains.</summary>
public sealed record TfidfBaselineOptions
{
    /// <summary>The linear model.</summary>
    public LinearModelKind Model { get; init; } = LinearModelKind.LinearSvm;
    /// <summary>Longest word n-gram (1 = unigrams only).</summary>
    public int WordNgramLength { get; init; } = 2;
    /// <summary>Longest character n-gram (0 = none); character n-grams catch Indonesian affixes and slang spellings.</summary>
    public int CharNgramLength { get; init; } = 4;
    /// <summary>Training passes over the data (SVM iterations / SDCA maximum iterations).</summary>
    public int Iterations { get; init; } = 20;
    /// <summary>Seed of ML.NET's context (shuffling inside the trainers).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (WordNgramLength < 1) throw new ArgumentException($"word n-gram length must be at least 1, got {WordNgramLength}.");
        if (CharNgramLength < 0) throw new ArgumentException($"char n-gram length cannot be negative, got {CharNgramLength}.");
        if (Iterations < 1) throw new ArgumentException($"iterations must be at least 1, got {Iterations}.");
    }
}
