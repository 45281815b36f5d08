using PpkmOnnx.Benchmarking.Baselines;

namespace PpkmOnnx.Benchmarking.Tests.Baselines;

/// <summary>The vectoriser against scikit-learn's definitions, worked out by hand.</summary>
public sealed class TfidfNgramVectorizerTests
{
    [Fact]
    public void CharWb_PadsEachWordWithSpacesAndCountsAShortWordOnce()
    {
        // " ab ": 1-grams " ", a, b, " "; 2-grams " a", ab, "b "; 3-grams " ab", "ab "; 4-gram " ab " (the whole word).
        // " c ": 1-grams " ", c, " "; 2-grams " c", "c "; 3-gram " c " — the whole padded word, so no 4-gram repeats it.
        Assert.Equal([" ", "a", "b", " ", " a", "ab", "b ", " ab", "ab ", " ab ", " ", "c", " ", " c", "c ", " c "],
            TfidfNgramVectorizer.CharWbNgrams("ab  c", 4));
    }

    [Fact]
    public void CharWb_CountsCodePointsNotUtf16Units()
    {
        Assert.Equal([" ", "\U0001F600", " ", " \U0001F600", "\U0001F600 ", " \U0001F600 "], TfidfNgramVectorizer.CharWbNgrams("\U0001F600", 3));
    }

    [Fact]
    public void Words_AreTwoOrMoreWordCharactersAndBigramsJoinThemWithASpace()
    {
        // "a" and "!" are not tokens (\b\w\w+\b), so the bigrams join the surviving neighbours.
        Assert.Equal(["ppkm", "lagi", "ya_", "ppkm lagi", "lagi ya_"], TfidfNgramVectorizer.WordNgrams("ppkm a lagi! ya_", 2));
    }

    [Fact]
    public void Transform_IsSublinearSmoothIdfAndL2Normalised()
    {
        // Two training texts "Aa bb" and "aa cc" (lower-cased; word unigrams only): df aa 2, bb 1, cc 1 of n = 2.
        // idf = ln((1+n)/(1+df)) + 1: aa ln(3/3)+1 = 1, bb = cc = ln(3/2)+1 = 1.4054651081.
        // "AA aa bb dd": tf aa 2 → 1 + ln 2 = 1.6931471806 (× idf 1), bb 1 → 1.4054651081, dd unknown.
        // Norm √(1.6931471806² + 1.4054651081²) = 2.2004725; values 0.7694470730 and 0.6387105776.
        var v = TfidfNgramVectorizer.Fit(["Aa bb", "aa cc"], wordN: 1, charN: 0, minDf: 1, sublinear: true);
        Assert.Equal(3, v.Dimension);
        Assert.Equal(1.4054651081081644, v.Idf[v.WordFeature("bb")!.Value], 12);
        var x = v.Transform("AA aa bb dd");
        Assert.Equal([v.WordFeature("aa")!.Value, v.WordFeature("bb")!.Value], x.Indices);
        Assert.Equal(0.7694470729725092, x.Values[0], 12);
        Assert.Equal(0.6387105775654869, x.Values[1], 12);
    }

    [Fact]
    public void Blocks_AreNormalisedSeparatelyAndMinDfDropsRareTerms()
    {
        // min_df 2 keeps only terms of both texts: word "aa"; char_wb 1–2 of " aa ": " ", "a", " a", "aa", "a ".
        var v = TfidfNgramVectorizer.Fit(["aa bb", "aa cc"], wordN: 1, charN: 2, minDf: 2, sublinear: true);
        Assert.Equal(1, v.WordFeatures);
        Assert.Equal(6, v.Dimension);
        Assert.Null(v.WordFeature("bb"));
        Assert.Null(v.CharFeature("b"));
        Assert.NotNull(v.CharFeature(" a"));
        var x = v.Transform("aa");
        // Word block: one feature → 1. Char block of " aa ": " "×2, a×2, " a", aa, "a " (all idf 1): values
        // 1+ln2, 1+ln2, 1, 1, 1 over norm √(2(1+ln2)² + 3); the vector's norm is √2.
        Assert.Equal(1.0, x.Values[0], 12);
        Assert.Equal(Math.Sqrt(2), Math.Sqrt(x.SquaredNorm()), 12);
        double norm = Math.Sqrt(2 * Math.Pow(1 + Math.Log(2), 2) + 3);
        Assert.Equal((1 + Math.Log(2)) / norm, x.Values[x.Indices.AsSpan().IndexOf(v.CharFeature("a")!.Value)], 12);
        Assert.Equal(1 / norm, x.Values[x.Indices.AsSpan().IndexOf(v.CharFeature("aa")!.Value)], 12);
    }

    [Fact]
    public void A_minimum_document_frequency_no_term_reaches_is_refused_as_scikit_learn_refuses_it()
    {
        // Three texts: no term can be in 4 of them (scikit-learn: "After pruning, no terms remain").
        var e = Assert.Throws<PpkmOnnx.Core.UserInputException>(() => TfidfNgramVectorizer.Fit(["aa bb", "aa cc", "aa"], wordN: 1, charN: 2, minDf: 4, sublinear: true));
        Assert.Equal("no n-gram occurs in at least 4 of the 3 training texts, so the model would have no features; lower the minimum document frequency.", e.Message);
        // At 3, "aa" and its character n-grams are in every text: kept.
        Assert.Equal(1, TfidfNgramVectorizer.Fit(["aa bb", "aa cc", "aa"], wordN: 1, charN: 0, minDf: 3, sublinear: true).WordFeatures);
    }
}
