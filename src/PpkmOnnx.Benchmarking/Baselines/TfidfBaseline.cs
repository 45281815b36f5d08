using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Benchmarking.Baselines;

/// <summary>
/// The classical baseline on the same split as the transformers: TF-IDF word and character n-grams (ML.NET
/// FeaturizeText, lower-cased, L2-normalised) and a linear model — one-versus-all linear SVMs or multinomial logistic
/// regression. The IFest anchors (SVM 0.74, LSTM 0.75) come from another split; this measures the same kind of model on
/// ours, so "beats the classical baseline" compares like with like.
/// </summary>
public static class TfidfBaseline
{
    /// <summary>Trains on <paramref name="split"/>'s training rows and scores all three splits.</summary>
    /// <exception cref="ArgumentException">Bad options, or a split without rows.</exception>
    public static TfidfBaselineResult Run(DatasetSplit split, TfidfBaselineOptions? options = null)
    {
        options ??= new TfidfBaselineOptions();
        options.Validate();
        split.Validate();
        var started = Stopwatch.StartNew();
        var ml = new MLContext(options.Seed);
        var train = ml.Data.LoadFromEnumerable(Rows(split.Train));

        var featurizer = new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.Lower,
            KeepDiacritics = false,
            KeepPunctuations = false,
            KeepNumbers = true,
            Norm = TextFeaturizingEstimator.NormFunction.L2,
            WordFeatureExtractor = new WordBagEstimator.Options
            {
                NgramLength = options.WordNgramLength, UseAllLengths = true, Weighting = NgramExtractingEstimator.WeightingCriteria.TfIdf,
            },
            CharFeatureExtractor = options.CharNgramLength == 0 ? null : new WordBagEstimator.Options
            {
                NgramLength = options.CharNgramLength, UseAllLengths = true, Weighting = NgramExtractingEstimator.WeightingCriteria.TfIdf,
            },
        };
        IEstimator<ITransformer> trainer = options.Model switch
        {
            LinearModelKind.LinearSvm => ml.MulticlassClassification.Trainers.OneVersusAll(
                ml.BinaryClassification.Trainers.LinearSvm(numberOfIterations: options.Iterations), useProbabilities: false),
            _ => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(maximumNumberOfIterations: options.Iterations),
        };
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", nameof(Row.LabelId))
            .Append(ml.Transforms.Text.FeaturizeText("Features", featurizer, nameof(Row.Text)))
            .Append(trainer)
            .Append(ml.Transforms.Conversion.MapKeyToValue(nameof(Prediction.PredictedLabelId), "PredictedLabel"));
        var model = pipeline.Fit(train);
        var trainingTime = started.Elapsed;

        var featureType = (VectorDataViewType)model.Transform(train).Schema["Features"].Type;
        var testPredictions = Predict(ml, model, split.Test);
        return new TfidfBaselineResult
        {
            Options = options,
            Labels = split.LabelNames,
            Train = Score(split.Train, Predict(ml, model, split.Train)),
            Validation = Score(split.Validation, Predict(ml, model, split.Validation)),
            Test = Score(split.Test, testPredictions),
            TestPredictions = testPredictions,
            FeatureCount = featureType.Size,
            TrainingTime = trainingTime,
        };
    }

    private static int[] Predict(MLContext ml, ITransformer model, TextClassificationDataset data) =>
        ml.Data.CreateEnumerable<Prediction>(model.Transform(ml.Data.LoadFromEnumerable(Rows(data))), reuseRowObject: false)
            .Select(p => (int)p.PredictedLabelId)
            .ToArray();

    private static ClassificationMetrics Score(TextClassificationDataset data, int[] predicted) =>
        ClassificationMetrics.Compute(data.Rows.Select(r => r.Label).ToArray(), predicted, data.LabelNames);

    private static IEnumerable<Row> Rows(TextClassificationDataset data) => data.Rows.Select(r => new Row { Text = r.Text, LabelId = r.Label });

    private sealed class Row
    {
        public string Text { get; set; } = "";
        public float LabelId { get; set; }
    }

    private sealed class Prediction
    {
        public float PredictedLabelId { get; set; }
    }
}
