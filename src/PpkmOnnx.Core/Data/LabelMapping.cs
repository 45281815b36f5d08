namespace PpkmOnnx.Core.Data;

/// <summary>
/// Raw label values of a file to class names, and the class ids they get. Class ids follow negative, neutral, positive
/// when the names are among those three, otherwise the order the names first appear in the mapping.
/// </summary>
/// <param name="RawToName">Raw value (as written in the file, trimmed) to class name, in mapping order.</param>
/// <param name="ClassNames">Class names by class id.</param>
/// <param name="Source">Where the mapping came from.</param>
/// <param name="Description">One line saying where it came from, for the user.</param>
public sealed record LabelMapping(IReadOnlyList<KeyValuePair<string, string>> RawToName, IReadOnlyList<string> ClassNames, LabelMappingSource Source, string Description)
{
    private static readonly string[] SentimentOrder = ["negative", "neutral", "positive"];

    /// <summary>Why a label mapping or a label column with one class is refused: the one wording of that rule.</summary>
    public const string TwoClassesRule = "a classifier needs at least 2 classes";

    /// <summary>The setting a user-given mapping is (<see cref="DataLoadOptions.Labels"/>), as <see cref="Parse"/>'s errors name it.</summary>
    public const string Setting = nameof(DataLoadOptions.Labels);

    /// <summary>The Kaggle <c>INA_TweetsPPKM_Labeled_Pure.csv</c> reading most users apply: 0=positive, 1=neutral, 2=negative.</summary>
    public static LabelMapping KagglePpkmDefault { get; } = Create(
        [new("0", "positive"), new("1", "neutral"), new("2", "negative")], LabelMappingSource.BuiltInDefault,
        "built-in default for the Kaggle INA_TweetsPPKM header (Date, User, Tweet, sentiment) as most users read it; the file does not state it: confirm on the Kaggle page or pass --labels");

    /// <summary>Parses <c>1=negative,2=neutral,3=positive</c> (user-given).</summary>
    /// <exception cref="InvalidSettingException">The text is not a list of RAW=NAME pairs, a raw value repeats, or the pairs name
    /// fewer than 2 distinct classes (setting <see cref="Setting"/>).</exception>
    public static LabelMapping Parse(string text)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0 || eq == part.Length - 1)
                throw new InvalidSettingException(Setting, $"'{part}' is not RAW=NAME (expected e.g. 1=negative,2=neutral,3=positive).");
            var raw = part[..eq].Trim();
            var name = part[(eq + 1)..].Trim();
            if (pairs.Any(p => p.Key == raw)) throw new InvalidSettingException(Setting, $"raw value '{raw}' is mapped twice.");
            pairs.Add(new(raw, name));
        }
        if (pairs.Count < 2) throw new InvalidSettingException(Setting, $"'{text}' names fewer than 2 classes (expected e.g. 1=negative,2=neutral,3=positive).");
        var mapping = Create(pairs, LabelMappingSource.User, "given by --labels");
        // Raw values merged into one name leave one class: refused here, before any file is read or written, with the
        // words the reader refuses a one-valued label column in (a split written with it could not be read back).
        if (mapping.ClassNames.Count < 2)
            throw new InvalidSettingException(Setting, $"'{text}' maps every value to the single class '{mapping.ClassNames[0]}'; {TwoClassesRule}.");
        return mapping;
    }

    /// <summary>Builds a mapping and orders its class ids (negative, neutral, positive first when those are the names).</summary>
    public static LabelMapping Create(IReadOnlyList<KeyValuePair<string, string>> rawToName, LabelMappingSource source, string description)
    {
        var names = new List<string>();
        foreach (var p in rawToName) if (!names.Contains(p.Value, StringComparer.Ordinal)) names.Add(p.Value);
        if (names.All(n => SentimentOrder.Contains(n, StringComparer.OrdinalIgnoreCase)))
            names = names.OrderBy(n => Array.FindIndex(SentimentOrder, s => s.Equals(n, StringComparison.OrdinalIgnoreCase))).ToList();
        return new LabelMapping(rawToName, names, source, description);
    }

    /// <summary>Class id of a raw value, or false when the mapping does not know it.</summary>
    public bool TryGetClassId(string raw, out int classId)
    {
        foreach (var p in RawToName)
            if (p.Key == raw) { classId = IndexOf(p.Value); return true; }
        classId = -1;
        return false;
    }

    /// <summary>The mapping as <c>0=positive, 1=neutral, 2=negative</c>.</summary>
    public string Describe() => string.Join(", ", RawToName.Select(p => $"{p.Key}={p.Value}"));

    private int IndexOf(string name)
    {
        for (int i = 0; i < ClassNames.Count; i++) if (ClassNames[i] == name) return i;
        return -1;
    }
}
