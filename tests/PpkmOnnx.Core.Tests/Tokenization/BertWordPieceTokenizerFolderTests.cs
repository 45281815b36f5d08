using System.Text.Json.Nodes;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Tokenization;

/// <summary>FromFolder over vocab.txt + tokenizer_config.json, tokenizer.json alone, and Save round trips.</summary>
public sealed class BertWordPieceTokenizerFolderTests
{
    private static int Id(string token) => SmallVocabulary.Id(token);

    [SkippableFact]
    public void FromFolder_IndolemReadsSpecialIdsFromItsVocabulary()
    {
        var folder = TestPaths.SharedFile("data", "vocab", "indolem__indobert-base-uncased__probable");
        var lines = File.ReadAllLines(Path.Combine(folder, "vocab.txt"));
        var tokenizer = BertWordPieceTokenizer.FromFolder(folder);
        // This vocabulary puts [MASK] before [CLS]: the ids must come from the file, not from bert-base's layout.
        Assert.Equal(Array.IndexOf(lines, "[CLS]"), tokenizer.ClsId);
        Assert.Equal(Array.IndexOf(lines, "[SEP]"), tokenizer.SepId);
        Assert.Equal(Array.IndexOf(lines, "[PAD]"), tokenizer.PadId);
        Assert.Equal(Array.IndexOf(lines, "[UNK]"), tokenizer.UnknownId);
        Assert.Equal((3, 4), (tokenizer.ClsId, tokenizer.SepId));
        Assert.Equal(lines.Length, tokenizer.VocabularySize);
        Assert.True(tokenizer.Settings.DoLowerCase);
        Assert.Null(tokenizer.Settings.StripAccents);
        Assert.Equal(512, tokenizer.Settings.ModelMaxLength); // the file says 1e30, transformers' "unset"
        var ids = tokenizer.EncodeToIds("PPKM diperpanjang!");
        Assert.Equal(tokenizer.ClsId, ids[0]);
        Assert.Equal(tokenizer.SepId, ids[^1]);
        Assert.Equal(Array.IndexOf(lines, "!"), ids[^2]);
    }

    [Fact]
    public void FromFolder_ReadsSpecialTokensWrittenAsAddedTokenObjects()
    {
        using var temp = TestPaths.NewTempFolder();
        SmallVocabulary.WriteVocab(temp.Path);
        File.WriteAllText(temp.Combine("tokenizer_config.json"), """
            {
              "do_lower_case": false,
              "model_max_length": 128,
              "cls_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false, "normalized": false, "rstrip": false, "single_word": false},
              "sep_token": {"content": "</s>", "special": true},
              "unk_token": "[UNK]"
            }
            """);
        var tokenizer = BertWordPieceTokenizer.FromFolder(temp.Path);
        Assert.Equal((Id("<s>"), Id("</s>")), (tokenizer.ClsId, tokenizer.SepId));
        Assert.Equal(128, tokenizer.Settings.ModelMaxLength);
        Assert.Equal([Id("<s>"), Id("Hello"), Id("hello"), Id("</s>")], tokenizer.EncodeToIds("Hello hello"));
    }

    [Fact]
    public void FromFolder_SpecialTokensMapOverridesConfig()
    {
        using var temp = TestPaths.NewTempFolder();
        SmallVocabulary.WriteVocab(temp.Path);
        File.WriteAllText(temp.Combine("tokenizer_config.json"), """{"cls_token": "[CLS]"}""");
        File.WriteAllText(temp.Combine("special_tokens_map.json"), """{"cls_token": {"content": "<s>"}}""");
        Assert.Equal(Id("<s>"), BertWordPieceTokenizer.FromFolder(temp.Path).ClsId);
    }

    [Fact]
    public void FromFolder_ReadsTokenizerJsonAlone()
    {
        using var temp = TestPaths.NewTempFolder();
        SmallVocabulary.WriteTokenizerJson(temp.Path);
        var tokenizer = BertWordPieceTokenizer.FromFolder(temp.Path);
        Assert.Equal(SmallVocabulary.Tokens.Length, tokenizer.VocabularySize);
        Assert.Equal((Id("[CLS]"), Id("[SEP]"), Id("[PAD]"), Id("[UNK]")), (tokenizer.ClsId, tokenizer.SepId, tokenizer.PadId, tokenizer.UnknownId));
        int[] expected = [Id("[CLS]"), Id("hello"), Id("world"), Id("##s"), Id("!"), Id("un"), Id("##aff"), Id("##able"), Id("[SEP]")];
        Assert.Equal(expected, tokenizer.EncodeToIds("HELLO worlds! Unaffable"));
    }

    [Fact]
    public void FromFolder_TokenizerJsonNormalizerFlagsApply()
    {
        using var temp = TestPaths.NewTempFolder();
        SmallVocabulary.WriteTokenizerJson(temp.Path, lowercase: false);
        var tokenizer = BertWordPieceTokenizer.FromFolder(temp.Path);
        Assert.False(tokenizer.Settings.DoLowerCase);
        Assert.Equal([Id("Hello"), Id("[UNK]")], tokenizer.EncodeToIds("Hello HELLO", addSpecialTokens: false));
    }

    [Fact]
    public void Save_WritesVocabAndConfigThatReadBackToTheSameTokenizer()
    {
        using var temp = TestPaths.NewTempFolder();
        SmallVocabulary.WriteTokenizerJson(temp.Combine("fast"));
        var original = BertWordPieceTokenizer.FromFolder(temp.Combine("fast"));
        original.Save(temp.Combine("saved"));

        var vocabText = File.ReadAllText(temp.Combine("saved", "vocab.txt"));
        Assert.DoesNotContain('\r', vocabText);
        Assert.Equal(SmallVocabulary.Tokens, vocabText.Split('\n')[..^1]);
        var config = JsonNode.Parse(File.ReadAllText(temp.Combine("saved", "tokenizer_config.json")))!.AsObject();
        Assert.Equal("[CLS]", config["cls_token"]!.GetValue<string>());
        Assert.True(config["do_lower_case"]!.GetValue<bool>());

        var reloaded = BertWordPieceTokenizer.FromFolder(temp.Combine("saved"));
        Assert.Equal(original.Settings, reloaded.Settings);
        foreach (var text in new[] { "HELLO worlds! Unaffable", "ΟΔΟΣ σα ab😷", "" })
            Assert.Equal(original.EncodeToIds(text), reloaded.EncodeToIds(text));
    }

    [SkippableFact]
    public void Save_IndolemRoundTripKeepsEveryIdAndSetting()
    {
        var folder = TestPaths.SharedFile("data", "vocab", "indolem__indobert-base-uncased__probable");
        using var temp = TestPaths.NewTempFolder();
        var original = BertWordPieceTokenizer.FromFolder(folder);
        original.Save(temp.Path);
        Assert.Equal(File.ReadAllLines(Path.Combine(folder, "vocab.txt")), File.ReadAllLines(temp.Combine("vocab.txt")));
        var reloaded = BertWordPieceTokenizer.FromFolder(temp.Path);
        Assert.Equal(original.Settings, reloaded.Settings);
        foreach (var line in GoldenTokenization.Read("indobert-base-p1.jsonl"))
            Assert.Equal(original.EncodeToIds(line.Text), reloaded.EncodeToIds(line.Text));
    }
    [Fact]
    public void SaveTokenizerJson_KeepsCasingAndSpecialTokensAndReadsBackTheSameIds()
    {
        using var temp = TestPaths.NewTempFolder();
        SmallVocabulary.WriteVocab(temp.Path);
        File.WriteAllText(temp.Combine("tokenizer_config.json"), """{"do_lower_case": false, "cls_token": "<s>", "sep_token": "</s>"}""");
        var original = BertWordPieceTokenizer.FromFolder(temp.Path);
        var path = temp.Combine("fast", "tokenizer.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Assert.Null(original.SaveTokenizerJson(path));

        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.False(json["normalizer"]!["lowercase"]!.GetValue<bool>());
        var single = json["post_processor"]!["single"]!.AsArray();
        Assert.Equal("<s>", single[0]!["SpecialToken"]!["id"]!.GetValue<string>());
        Assert.Equal("</s>", single[2]!["SpecialToken"]!["id"]!.GetValue<string>());
        Assert.Equal(Id("</s>"), json["post_processor"]!["special_tokens"]!["</s>"]!["ids"]![0]!.GetValue<int>());
        Assert.Equal(SmallVocabulary.Tokens.Length, json["model"]!["vocab"]!.AsObject().Count);

        var reloaded = BertWordPieceTokenizer.FromFolder(temp.Combine("fast"));
        Assert.False(reloaded.Settings.DoLowerCase);
        foreach (var text in new[] { "Hello HELLO worlds! Unaffable", "ΟΔΟΣ σα ab😷", "" })
            Assert.Equal(original.EncodeToIds(text), reloaded.EncodeToIds(text));
    }

    [Fact]
    public void SaveTokenizerJson_RefusesAVocabularyThatRepeatsAToken()
    {
        using var temp = TestPaths.NewTempFolder();
        SmallVocabulary.WriteVocab(temp.Path, SmallVocabulary.Tokens.Append("hello"));
        var tokenizer = BertWordPieceTokenizer.FromFolder(temp.Path);
        var path = temp.Combine("tokenizer.json");
        var reason = tokenizer.SaveTokenizerJson(path);
        Assert.NotNull(reason);
        Assert.Contains("'hello'", reason);
        Assert.False(File.Exists(path));
    }
}
