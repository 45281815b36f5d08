using PpkmOnnx.Runtime;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: PpkmOnnx.Sample <model-package-folder> <text> [<text>...]");
    return 2;
}
try
{
    using var classifier = SentimentClassifier.Load(args[0], new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Auto });
    Console.WriteLine($"{classifier.Info.Name} {classifier.Info.VariantName} on {classifier.ExecutionProvider}, labels {string.Join(", ", classifier.Labels)}");
    var results = classifier.Classify(args[1..]);
    for (int i = 0; i < results.Count; i++)
        Console.WriteLine($"{results[i].Label,-9} {string.Join("  ", results[i].Scores.Select(s => $"{s.Label}={s.Score:F3}"))}  {args[i + 1]}");
    return 0;
}
catch (Exception e) when (e is DllNotFoundException or DirectoryNotFoundException or FileNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine($"PpkmOnnx.Sample: error: {e.Message}");
    return 1;
}
