using PpkmOnnx.Training.Models;
using PpkmOnnx.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Distillation;

/// <summary>
/// A frozen teacher's logits for every row of a train split, computed once before the first epoch and read by row in every
/// step. The teacher is in eval mode (no dropout) and does not change, so a row's logits are the same in every epoch: one
/// forward pass per row instead of one per row and epoch, and distillation's steps cost only the student's. They are
/// computed in evaluation batches (sorted by length, <see cref="EncodedSplit.SortedBatches"/>), so a resumed run computes
/// the very same values as the run it continues; against a forward pass over the training batch itself (other padding,
/// other neighbours) they differ only in float32 rounding (about 1e-7 relative, <c>TeacherLogitsTests</c>).
/// </summary>
internal sealed class TeacherLogits
{
    private readonly SequenceClassifier _teacher;
    private float[]?[] _byRow = [];
    private int _classes;
    private ScalarType _dtype = ScalarType.Float32;

    /// <summary>A store for <paramref name="teacher"/>'s logits; the teacher must be in eval mode.</summary>
    public TeacherLogits(SequenceClassifier teacher) => _teacher = teacher;

    /// <summary>
    /// Scores every row of <paramref name="train"/> with the teacher, <paramref name="batchSize"/> rows a forward pass, unless
    /// this split (by its row count) was scored already (pruning's steps share one teacher). Reports rows done and the total.
    /// </summary>
    public void Compute(EncodedSplit train, int batchSize, Device device, Action<int, int>? rowsDone, CancellationToken ct)
    {
        if (_byRow.Length == train.Count && _byRow.All(r => r is not null)) return;
        var byRow = new float[]?[train.Count];
        int done = 0;
        using (torch.no_grad())
        {
            foreach (var rows in train.SortedBatches(batchSize))
            {
                ct.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                var (ids, mask, types) = SequenceClassifier.ToTensors(train.Batch(rows), device);
                var logits = _teacher.Forward(ids, mask, types);
                _dtype = logits.dtype;
                _classes = (int)logits.shape[1];
                var values = logits.cpu().to_type(ScalarType.Float32).data<float>().ToArray();
                for (int i = 0; i < rows.Length; i++) byRow[rows[i]] = values[(i * _classes)..((i + 1) * _classes)];
                rowsDone?.Invoke(done += rows.Length, train.Count);
            }
        }
        _byRow = byRow;
    }

    /// <summary>The teacher's logits <c>[batch, classes]</c> for <paramref name="batch"/>'s rows, on its device.</summary>
    /// <exception cref="InvalidOperationException">A row was not computed (<see cref="Compute"/> not run for this split).</exception>
    public Tensor For(LossBatch batch)
    {
        var values = new float[batch.Rows.Length * _classes];
        for (int i = 0; i < batch.Rows.Length; i++)
        {
            var row = batch.Rows[i] < _byRow.Length ? _byRow[batch.Rows[i]] : null;
            if (row is null) throw new InvalidOperationException($"no teacher logits for train row {batch.Rows[i]}: Compute was not run for this split.");
            row.CopyTo(values, i * _classes);
        }
        return torch.tensor(values, [batch.Rows.Length, _classes]).to(_dtype).to(batch.InputIds.device);
    }

    /// <summary>The distillation loss (<see cref="DistillationLoss"/>) against these logits.</summary>
    public BatchLoss Loss(double temperature, double alpha) =>
        (logits, batch, weights) => DistillationLoss.Compute(logits, For(batch), batch.Labels, temperature, alpha, weights);
}
