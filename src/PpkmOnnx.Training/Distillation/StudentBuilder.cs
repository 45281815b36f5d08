using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Models;

namespace PpkmOnnx.Training.Distillation;

/// <summary>
/// Builds a DistilBERT student from a BERT teacher, DistilBERT-style: embeddings copied with token-type row 0 folded
/// into the position embeddings, student layer i ← teacher layer <c>layers[i]</c> (attention, FFN and LayerNorm weights
/// renamed to DistilBERT's), <c>pre_classifier</c> ← teacher pooler dense, <c>classifier</c> ← teacher classifier.
/// </summary>
public static class StudentBuilder
{
    /// <summary>Every second teacher layer (0, 2, 4, …): half the depth, rounded up.</summary>
    public static IReadOnlyList<int> DefaultLayers(int teacherLayers) =>
        Enumerable.Range(0, (teacherLayers + 1) / 2).Select(i => 2 * i).ToArray();

    /// <summary>The student configuration: the teacher's sizes, activation, dropout and labels with <paramref name="layerCount"/> layers.</summary>
    public static ModelConfig StudentConfig(ModelConfig teacher, int layerCount) => new()
    {
        Architecture = ModelArchitecture.DistilBert,
        VocabSize = teacher.VocabSize,
        HiddenSize = teacher.HiddenSize,
        NumHiddenLayers = layerCount,
        NumAttentionHeads = teacher.NumAttentionHeads,
        IntermediateSize = teacher.IntermediateSize,
        MaxPositionEmbeddings = teacher.MaxPositionEmbeddings,
        TypeVocabSize = 0,
        LayerNormEps = teacher.LayerNormEps,
        HiddenAct = teacher.HiddenAct,
        HiddenDropoutProb = teacher.HiddenDropoutProb,
        AttentionProbsDropoutProb = teacher.AttentionProbsDropoutProb,
        ClassifierDropout = teacher.ClassifierDropout ?? teacher.HiddenDropoutProb,
        PadTokenId = teacher.PadTokenId,
        Labels = teacher.Labels,
    };

    /// <summary>Creates the student of <paramref name="teacher"/> on the CPU; it computes as the teacher does (<see cref="SequenceClassifier.Compute"/>).</summary>
    /// <param name="teacher">A BERT classifier (fine-tuned: its head seeds the student's).</param>
    /// <param name="layers">Teacher layers to copy, in order; null for <see cref="DefaultLayers"/>.</param>
    /// <exception cref="ArgumentException">The teacher is not BERT, or a layer index is out of range.</exception>
    public static DistilBertForSequenceClassification FromTeacher(SequenceClassifier teacher, IReadOnlyList<int>? layers = null)
    {
        if (teacher is not BertForSequenceClassification)
            throw new ArgumentException($"the teacher must be a BERT model, got {teacher.Config.Architecture}.", nameof(teacher));
        var config = teacher.Config;
        layers ??= DefaultLayers(config.NumHiddenLayers);
        if (layers.Count == 0) throw new ArgumentException("the student needs at least one layer.", nameof(layers));
        foreach (var l in layers)
            if (l < 0 || l >= config.NumHiddenLayers)
                throw new ArgumentException($"student layer source {l} is outside the teacher's 0..{config.NumHiddenLayers - 1}.", nameof(layers));

        var t = teacher.NamedTensors();
        var s = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        s["distilbert.embeddings.word_embeddings.weight"] = t["bert.embeddings.word_embeddings.weight"];
        var positions = t["bert.embeddings.position_embeddings.weight"];
        var typeRow = t["bert.embeddings.token_type_embeddings.weight"].Data;
        int hidden = config.HiddenSize;
        var folded = (float[])positions.Data.Clone();
        // Single-sentence inputs always carry token type 0, so its row is a constant the student can absorb.
        for (int i = 0; i < folded.Length; i++) folded[i] += typeRow[i % hidden];
        s["distilbert.embeddings.position_embeddings.weight"] = positions with { Data = folded };
        s["distilbert.embeddings.LayerNorm.weight"] = t["bert.embeddings.LayerNorm.weight"];
        s["distilbert.embeddings.LayerNorm.bias"] = t["bert.embeddings.LayerNorm.bias"];
        var renames = new (string Teacher, string Student)[]
        {
            ("attention.self.query", "attention.q_lin"), ("attention.self.key", "attention.k_lin"), ("attention.self.value", "attention.v_lin"),
            ("attention.output.dense", "attention.out_lin"), ("attention.output.LayerNorm", "sa_layer_norm"),
            ("intermediate.dense", "ffn.lin1"), ("output.dense", "ffn.lin2"), ("output.LayerNorm", "output_layer_norm"),
        };
        for (int i = 0; i < layers.Count; i++)
            foreach (var (from, to) in renames)
                foreach (var suffix in new[] { ".weight", ".bias" })
                    s[$"distilbert.transformer.layer.{i}.{to}{suffix}"] = t[$"bert.encoder.layer.{layers[i]}.{from}{suffix}"];
        foreach (var suffix in new[] { ".weight", ".bias" })
        {
            s["pre_classifier" + suffix] = t["bert.pooler.dense" + suffix];
            s["classifier" + suffix] = t["classifier" + suffix];
        }
        var student = DistilBertForSequenceClassification.Create(StudentConfig(config, layers.Count), teacher.Compute);
        try
        {
            CheckpointLoader.Assign(student, s, "teacher → student mapping");
        }
        catch
        {
            student.Dispose();
            throw;
        }
        return student;
    }
}
