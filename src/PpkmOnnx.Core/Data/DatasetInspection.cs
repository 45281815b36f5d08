using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Core.Data;

/// <summary>What <c>ppkm data inspect</c> reports about a file: its shape, labels, cleaning, baseline, token lengths and split.</summary>
/// <param name="Source">The file.</param>
/// <param name="GitBlobId">The file's git blob id (<c>git hash-object</c>), to compare with a published copy.</param>
/// <param name="KnownAs">What the file is when <see cref="KnownDataFiles"/> recognises it byte for byte, else null.</param>
/// <param name="Format">Delimited or JSON Lines.</param>
/// <param name="Delimiter">The delimiter as a name (<c>tab</c>, <c>comma</c>, <c>semicolon</c>, <c>bar</c>), or null for JSON Lines.</param>
/// <param name="HasHeader">Whether the first row was a header.</param>
/// <param name="Columns">Column names.</param>
/// <param name="TextColumn">Column read as text.</param>
/// <param name="LabelColumn">Column read as label.</param>
/// <param name="LabelMapping">Raw value to class name, e.g. <c>0=positive, 1=neutral, 2=negative</c>.</param>
/// <param name="LabelMappingSource">Where the mapping came from.</param>
/// <param name="LabelMappingDescription">One line on where the mapping came from.</param>
/// <param name="Cleaning">What cleaning removed.</param>
/// <param name="Limit">The <c>--limit</c> applied, or null.</param>
/// <param name="Rows">Rows used (cleaned and limited).</param>
/// <param name="Classes">Rows per class of the rows used.</param>
/// <param name="MajorityClass">The most frequent class.</param>
/// <param name="MajorityBaselineAccuracy">Accuracy of always answering the majority class on the rows used.</param>
/// <param name="TestMajorityBaselineAccuracy">Accuracy on the test split of always answering the training split's majority class.</param>
/// <param name="Tokenizer">Tokenizer measured with (path), or null.</param>
/// <param name="TokenLengths">Token-length statistics of the rows used, or null without a tokenizer.</param>
/// <param name="Seed">Split seed.</param>
/// <param name="TrainRows">Rows in train.</param>
/// <param name="ValidationRows">Rows in validation.</param>
/// <param name="TestRows">Rows in test.</param>
/// <param name="SplitFingerprint">Fingerprint of the split.</param>
public sealed record DatasetInspection(
    string Source, string GitBlobId, string? KnownAs, DataFormat Format, string? Delimiter, bool HasHeader, IReadOnlyList<string> Columns, string TextColumn, string LabelColumn,
    string LabelMapping, LabelMappingSource LabelMappingSource, string LabelMappingDescription,
    CleaningReport Cleaning, int? Limit, int Rows, IReadOnlyList<ClassCount> Classes, string MajorityClass, double MajorityBaselineAccuracy,
    double TestMajorityBaselineAccuracy, string? Tokenizer, TokenLengthStatistics? TokenLengths,
    int Seed, int TrainRows, int ValidationRows, int TestRows, string SplitFingerprint)
{
    /// <summary>Inspects prepared data; token lengths are measured when <paramref name="tokenizer"/> is given.</summary>
    public static DatasetInspection Create(PreparedData data, BertWordPieceTokenizer? tokenizer = null, string? tokenizerPath = null, int maxLength = 128)
    {
        var loaded = data.Loaded;
        var counts = data.Dataset.ClassCounts();
        int total = data.Dataset.Rows.Count;
        var classes = counts.Select((c, i) => new ClassCount(i, data.Dataset.LabelNames[i], c, total == 0 ? 0 : c / (double)total)).ToList();
        var majority = classes[TextClassificationDataset.MajorityLabelIdOf(counts)];
        int trainMajority = data.Split.Train.MajorityLabelId();
        int testRows = data.Split.Test.Rows.Count;
        double testBaseline = testRows == 0 ? 0 : data.Split.Test.Rows.Count(r => r.Label == trainMajority) / (double)testRows;
        var tokens = tokenizer is null ? null : TokenLengthStatistics.Compute(data.Dataset.Rows.Select(r => r.Text), tokenizer, maxLength);
        string? delimiter = loaded.Delimiter switch { null => null, '\t' => "tab", ',' => "comma", ';' => "semicolon", '|' => "bar", char d => $"'{d}'" };
        var blob = KnownDataFiles.GitBlobId(loaded.Dataset.Source);
        return new DatasetInspection(loaded.Dataset.Source, blob, KnownDataFiles.Describe(blob), loaded.Format, delimiter, loaded.HasHeader, loaded.Columns, loaded.TextColumn, loaded.LabelColumn,
            loaded.Labels.Describe(), loaded.Labels.Source, loaded.Labels.Description, data.Cleaning, data.Limit, total, classes,
            majority.Name, majority.Share, testBaseline, tokenizer is null ? null : tokenizerPath, tokens,
            data.Split.Seed, data.Split.Train.Rows.Count, data.Split.Validation.Rows.Count, testRows, data.Split.Fingerprint);
    }
}
