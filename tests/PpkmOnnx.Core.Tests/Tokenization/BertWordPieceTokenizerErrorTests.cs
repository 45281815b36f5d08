using System.Text.Json.Nodes;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Tokenization;

/// <summary>Bad tokenizer files give one clear message naming the file and the problem.</summary>
public sealed class BertWordPieceTokenizerErrorTests
{
    [Fact]
    public void Create_MissingVocabularyNamesThePath()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("nope", "vocab.txt");
        var e = Assert.Throws<UserInputException>(() => BertWordPieceTokenizer.Create(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void FromFolder_WithoutTokenizerFilesSaysWhatItLookedFor()
    {
        using var temp = TestPaths.NewTempFolder();
        var e = Assert.Throws<UserInputException>(() => BertWordPieceTokenizer.FromFolder(temp.Path));
        Assert.Contains("vocab.txt", e.Message);
        Assert.Contains("tokenizer.json", e.Message);
    }

    [Fact]
    public void Create_VocabularyWithoutClsNamesTheMissingToken()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = SmallVocabulary.WriteVocab(temp.Path, ["[PAD]", "[UNK]", "[SEP]", "hello"]);
        var e = Assert.Throws<UserInputException>(() => BertWordPieceTokenizer.Create(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("'[CLS]'", e.Message);
    }

    [Fact]
    public void Create_EmptyVocabularyIsRejected()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = SmallVocabulary.WriteVocab(temp.Path, []);
        var e = Assert.Throws<UserInputException>(() => BertWordPieceTokenizer.Create(path));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void FromFolder_InvalidConfigJsonNamesTheFile()
    {
        using var temp = TestPaths.NewTempFolder();
        SmallVocabulary.WriteVocab(temp.Path);
        File.WriteAllText(temp.Combine("tokenizer_config.json"), "{\"do_lower_case\": tru");
        var e = Assert.Throws<UserInputException>(() => BertWordPieceTokenizer.FromFolder(temp.Path));
        Assert.Contains("tokenizer_config.json", e.Message);
    }

    [Fact]
    public void FromFolder_WrongTypedSettingNamesTheKey()
    {
        using var temp = TestPaths.NewTempFolder();
        SmallVocabulary.WriteVocab(temp.Path);
        File.WriteAllText(temp.Combine("tokenizer_config.json"), """{"do_lower_case": "yes"}""");
        var e = Assert.Throws<UserInputException>(() => BertWordPieceTokenizer.FromFolder(temp.Path));
        Assert.Contains("do_lower_case", e.Message);
    }

    [Fact]
    public void FromFolder_TokenizerJsonWithGapInIdsIsRejected()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = SmallVocabulary.WriteTokenizerJson(temp.Path);
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        root["model"]!["vocab"]!["hello"] = 999;
        File.WriteAllText(path, root.ToJsonString());
        var e = Assert.Throws<UserInputException>(() => BertWordPieceTokenizer.FromFolder(temp.Path));
        Assert.Contains("tokenizer.json", e.Message);
        Assert.Contains("999", e.Message);
    }

    [Fact]
    public void FromFolder_TokenizerJsonOfAnotherModelTypeIsRejected()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = SmallVocabulary.WriteTokenizerJson(temp.Path);
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        root["model"]!["type"] = "BPE";
        File.WriteAllText(path, root.ToJsonString());
        var e = Assert.Throws<UserInputException>(() => BertWordPieceTokenizer.FromFolder(temp.Path));
        Assert.Contains("BPE", e.Message);
    }
}
