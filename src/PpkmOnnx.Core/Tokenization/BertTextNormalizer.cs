using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace PpkmOnnx.Core.Tokenization;

/// <summary>
/// Hugging Face's BERT basic tokenization, first half: clean text, space out CJK ideographs, lower-case, strip accents.
/// Writes the normalized text into a caller's buffer; <see cref="IsSplitPoint"/> gives the second half's punctuation rule.
/// </summary>
/// <remarks>
/// Definitions follow transformers' BasicTokenizer and the tokenizers crate's BertNormalizer:
/// <list type="bullet">
/// <item>dropped: U+0000, U+FFFD and "control" = any C* category (Cc, Cf such as zero-width joiners, Co, Cs, Cn) except \t \n \r;</item>
/// <item>whitespace (→ one space): \t \n \r, Zs, Zl, Zp;</item>
/// <item>lower-case = Python <c>str.lower()</c>: full mapping (İ → i + U+0307) and the Final_Sigma rule, not .NET's simple mapping;</item>
/// <item>strip accents = NFD then drop Mn; it follows lower-case when <c>strip_accents</c> is null.</item>
/// </list>
/// ASCII takes a branch-only path; every other code point's result is computed once and cached (thread-safe), except
/// capital sigma whose lower case depends on its neighbours. NFD is applied per code point: the only difference from
/// whole-string NFD is canonical reordering of combining marks, and nearly all marks it moves are Mn, which are dropped.
/// Unassigned code points (Cn) are dropped as Python and Rust do (transformers.js keeps them); "unassigned" is by the
/// Unicode version of the .NET runtime.
/// </remarks>
internal sealed class BertTextNormalizer
{
    private readonly bool _lowerCase;
    private readonly bool _stripAccents;
    private readonly bool _spaceChinese;
    private readonly ConcurrentDictionary<int, string> _nonAscii = new();

    public BertTextNormalizer(BertTokenizerSettings settings)
    {
        _lowerCase = settings.DoLowerCase;
        _stripAccents = settings.StripAccents ?? settings.DoLowerCase;
        _spaceChinese = settings.TokenizeChineseChars;
    }

    /// <summary>Normalizes <paramref name="text"/> into <paramref name="buffer"/> (grown as needed); returns the length written.</summary>
    public int Normalize(ReadOnlySpan<char> text, ref char[] buffer)
    {
        int n = 0;
        for (int i = 0; i < text.Length; i++)
        {
            // Worst case per UTF-16 unit is a few chars (" X ", İ → "i\u0307", decompositions); keep slack.
            if (buffer.Length - n < 32) Array.Resize(ref buffer, Math.Max(buffer.Length * 2, 64));
            char c = text[i];
            if (c < 0x80)
            {
                if (c < 0x20 || c == 0x7F)
                {
                    if (c is '\t' or '\n' or '\r') buffer[n++] = ' ';
                    continue;
                }
                if (_lowerCase && (uint)(c - 'A') <= 'Z' - 'A') c = (char)(c | 0x20);
                buffer[n++] = c;
                continue;
            }
            int cp = c;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                cp = char.ConvertToUtf32(c, text[i + 1]);
                i++;
            }
            string mapped = cp == CapitalSigma && _lowerCase
                ? (IsFinalSigma(text, i) ? "\u03C2" : "\u03C3")
                : _nonAscii.GetOrAdd(cp, Map);
            foreach (var m in mapped)
            {
                if (n == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                buffer[n++] = m;
            }
        }
        return n;
    }

    /// <summary>What <see cref="ForEachWord"/> calls on each word (a static lambda with a state: no closure allocation).</summary>
    public delegate void WordAction<TState>(ReadOnlySpan<char> word, TState state);

    /// <summary>
    /// Hugging Face's basic tokenization of <paramref name="text"/> without special-token handling (what the
    /// <c>BertNormalizer</c> + <c>BertPreTokenizer</c> pair does): normalizes into <paramref name="buffer"/> (grown as
    /// needed), then calls <paramref name="action"/> on each word, split on spaces, each punctuation mark a word of its own.
    /// </summary>
    public void ForEachWord<TState>(ReadOnlySpan<char> text, ref char[] buffer, TState state, WordAction<TState> action)
    {
        if (text.IsEmpty) return;
        int length = Normalize(text, ref buffer);
        ReadOnlySpan<char> normalized = buffer.AsSpan(0, length);
        int i = 0;
        int wordStart = 0;
        while (i < normalized.Length)
        {
            if (IsSplitPoint(normalized, i, out int width, out bool isSpace))
            {
                if (i > wordStart) action(normalized[wordStart..i], state);
                if (!isSpace) action(normalized.Slice(i, width), state);
                i += width;
                wordStart = i;
            }
            else i += width;
        }
        if (i > wordStart) action(normalized[wordStart..i], state);
    }

    /// <summary>
    /// Whether the code point at <paramref name="i"/> of normalized text ends a word: a space (<paramref name="isSpace"/>),
    /// or punctuation by Hugging Face's rule (ASCII 33–47, 58–64, 91–96, 123–126, or any Unicode P* category), which is
    /// a word of its own. <paramref name="width"/> is the code point's UTF-16 length.
    /// </summary>
    public static bool IsSplitPoint(ReadOnlySpan<char> s, int i, out int width, out bool isSpace)
    {
        char c = s[i];
        width = 1;
        isSpace = c == ' ';
        if (c < 0x80) return AsciiSplit[c];
        int cp = c;
        if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            cp = char.ConvertToUtf32(c, s[i + 1]);
            width = 2;
        }
        return IsPunctuationCategory(CharUnicodeInfo.GetUnicodeCategory(cp));
    }

    private const int CapitalSigma = 0x03A3;

    private static readonly bool[] AsciiSplit = BuildAsciiSplit();

    private static bool[] BuildAsciiSplit()
    {
        var table = new bool[128];
        table[' '] = true;
        for (int c = 33; c < 128; c++)
            table[c] = c is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126;
        return table;
    }

    private string Map(int cp)
    {
        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        if (cp == 0xFFFD || IsControlCategory(category)) return "";
        if (category is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            return " ";
        var text = char.ConvertFromUtf32(cp);
        if (_lowerCase) text = cp == 0x0130 ? "i\u0307" : Rune.ToLowerInvariant(new Rune(cp)).ToString();
        if (_stripAccents) text = StripAccents(text);
        return _spaceChinese && IsChineseIdeograph(cp) ? " " + text + " " : text;
    }

    /// <summary>NFD then drop Mn, one code point at a time (see <see cref="AccentStrippingTable"/> for why not string.Normalize).</summary>
    private static string StripAccents(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var decomposed = AccentStrippingTable.Lookup(rune.Value);
            if (decomposed is not null) sb.Append(decomposed);
            else if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark) sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    /// <summary>
    /// Unicode's Final_Sigma condition (what Python's <c>str.lower()</c> applies): a cased letter before (skipping
    /// case-ignorable characters) and none after. Characters the cleaning step drops count as ignorable, since
    /// Hugging Face lower-cases the cleaned text.
    /// </summary>
    private static bool IsFinalSigma(ReadOnlySpan<char> text, int sigmaIndex)
    {
        bool casedBefore = false;
        for (int j = sigmaIndex - 1; j >= 0; j--)
        {
            int cp = text[j];
            if (char.IsLowSurrogate(text[j]) && j > 0 && char.IsHighSurrogate(text[j - 1])) { cp = char.ConvertToUtf32(text[j - 1], text[j]); j--; }
            if (IsCaseIgnorableOrDropped(cp)) continue;
            casedBefore = IsCased(cp);
            break;
        }
        if (!casedBefore) return false;
        for (int j = sigmaIndex + 1; j < text.Length; j++)
        {
            int cp = text[j];
            if (char.IsHighSurrogate(text[j]) && j + 1 < text.Length && char.IsLowSurrogate(text[j + 1])) { cp = char.ConvertToUtf32(text[j], text[j + 1]); j++; }
            if (IsCaseIgnorableOrDropped(cp)) continue;
            return !IsCased(cp);
        }
        return true;
    }

    private static bool IsCased(int cp)
    {
        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        if (category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter) return true;
        // Other_Lowercase / Other_Uppercase (ª, ʰ, Ⓐ, Ⅰ …): approximated by having a case mapping.
        var rune = new Rune(cp);
        return Rune.ToLowerInvariant(rune) != rune || Rune.ToUpperInvariant(rune) != rune;
    }

    private static bool IsCaseIgnorableOrDropped(int cp)
    {
        if (cp is '\'' or '.' or ':' or '^' or '`' or 0x00B7 or 0x0387 or 0x055F or 0x05F4 or 0x2018 or 0x2019 or 0x2024
            or 0x2027 or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A) return true;
        if (cp is '\t' or '\n' or '\r') return false;
        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        return cp == 0 || cp == 0xFFFD || IsControlCategory(category)
            || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.ModifierLetter
                or UnicodeCategory.ModifierSymbol;
    }

    private static bool IsControlCategory(UnicodeCategory category) =>
        category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    private static bool IsPunctuationCategory(UnicodeCategory category) =>
        category is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    /// <summary>The CJK Unified Ideograph blocks of Hugging Face's <c>_is_chinese_char</c> (not Hangul, kana or fullwidth Latin).</summary>
    private static bool IsChineseIdeograph(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
