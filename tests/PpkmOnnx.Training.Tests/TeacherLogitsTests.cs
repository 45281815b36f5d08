using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Training.Distillation;
using PpkmOnnx.Training.Models;
using PpkmOnnx.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Tests;

/// <summary>
/// A teacher's logits computed once for a train split and read by row: what a training batch gets equals the teacher's
/// forward pass over that batch up to float32 rounding, and a distillation resumed after an epoch ends on the same weights.
/// </summary>
public class TeacherLogitsTests
{
    [Fact]
    public void Every_batch_gets_the_logits_the_teachers_forward_pass_over_it_gives_up_to_float_rounding()
    {
        using var temp = TestPaths.NewTempFolder();
        TinyModels.WriteTokenizer(temp.Path);
        var split = EncodedSplit.Create(TinyModels.SeparableSplits(train: 48, validation: 8, test: 0).Train.Rows, BertWordPieceTokenizer.FromFolder(temp.Path), maxLength: 32);
        torch.manual_seed(3);
        using var teacher = SequenceClassifierFactory.Create(TinyModels.Bert(layers: 2, labels: 2));
        teacher.eval();
        var store = new TeacherLogits(teacher);
        Assert.Throws<InvalidOperationException>(() => store.For(Batch(split, [0, 1])));

        int reports = 0;
        store.Compute(split, batchSize: 16, CPU, (done, total) => { reports++; Assert.Equal(48, total); Assert.Equal(Math.Min(48, 16 * reports), done); }, CancellationToken.None);
        Assert.Equal(3, reports);
        // Scored already: a second call (pruning's next step) runs nothing, so a cancelled token is not even looked at.
        store.Compute(split, batchSize: 16, CPU, null, new CancellationToken(canceled: true));

        // Training batches: shuffled rows, the longest with the shortest, so padding and neighbours differ from scoring's.
        var byLength = Enumerable.Range(0, split.Count).OrderBy(i => split.Batch([i]).SequenceLength).ToArray();
        double worst = 0;
        for (int k = 0; k < 8; k++)
        {
            int[] rows = [byLength[k], byLength[^(k + 1)], byLength[k + 8], byLength[^(k + 9)], byLength[k + 16], byLength[^(k + 17)]];
            using var scope = torch.NewDisposeScope();
            var batch = Batch(split, rows);
            var stored = store.For(batch).data<float>().ToArray();
            float[] fresh;
            using (torch.no_grad()) fresh = teacher.Forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds).data<float>().ToArray();
            Assert.Equal(fresh.Length, stored.Length);
            double scale = fresh.Max(v => Math.Abs(v));
            worst = Math.Max(worst, fresh.Zip(stored, (a, b) => Math.Abs(a - b)).Max() / scale);
        }
        Assert.True(worst < 1e-6, $"largest difference {worst:E2} of the largest logit");
    }

    [Fact]
    public void A_distillation_resumed_after_an_epoch_ends_on_the_weights_of_an_uninterrupted_one()
    {
        using var temp = TestPaths.NewTempFolder();
        var teacherDir = TinyModels.SaveFresh(TinyModels.Bert(layers: 2), temp.Combine("teacher"));
        var data = TinyModels.SeparableSplits(train: 64, validation: 16, test: 16);
        DistillationRunOptions Options(string output, bool resume = false) => new()
        {
            Training = TinyModels.FastOptions(teacherDir, temp.Combine(output)) with { Epochs = 3, Threads = 1, Resume = resume },
        };
        var full = Distiller.Run(Options("full"), data);

        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => Distiller.Run(Options("cut"), data, new Progress(p => { if (p.CompletedEpoch?.Epoch == 1) cts.Cancel(); }), cts.Token));
        var resumed = Distiller.Run(Options("cut", resume: true), data);
        Assert.Equal(1, resumed.ResumedAfterEpoch);
        Assert.Equal(full.Epochs.Select(e => e.TrainLoss), resumed.Epochs.Select(e => e.TrainLoss));
        var a = Core.Checkpoints.SafeTensorsFile.Read(temp.Combine("full", "model.safetensors"));
        var b = Core.Checkpoints.SafeTensorsFile.Read(temp.Combine("cut", "model.safetensors"));
        foreach (var (name, t) in a) Assert.Equal(t.Data, b[name].Data);
    }

    private static LossBatch Batch(EncodedSplit split, int[] rows)
    {
        var (ids, mask, types) = SequenceClassifier.ToTensors(split.Batch(rows), CPU);
        return new LossBatch(torch.tensor(split.Labels(rows)), ids, mask, types, rows);
    }

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
