using System.Text;
using System.Text.RegularExpressions;

namespace PpkmOnnx.Core.Data;

/// <summary>
/// A key under which two copies of one tweet compare equal although one was cleaned: lower-cased, user mentions, links
/// and their placeholders (<c>@USER</c>, <c>HTTPURL</c>) removed, then only letters and digits kept. The unlabelled
/// corpora in <c>shared/data/corpus_id</c> were cleaned that way, the labelled files were not, so exact text equality
/// would miss the overlaps that matter for leakage.
/// </summary>
public static partial class TextMatchKey
{
    [GeneratedRegex(@"https?://\S+|www\.\S+|@\w+|\bhttpurl\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MentionsAndLinks();

    /// <summary>The key of <paramref name="text"/> (empty when nothing alphanumeric remains).</summary>
    public static string Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stripped = MentionsAndLinks().Replace(text, " ");
        var key = new StringBuilder(stripped.Length);
        foreach (var c in stripped)
            if (char.IsLetterOrDigit(c)) key.Append(char.ToLowerInvariant(c));
        return key.ToString();
    }
}
