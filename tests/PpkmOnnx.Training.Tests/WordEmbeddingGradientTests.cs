using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Training.Models;
using PpkmOnnx.Training.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Tests;

/// <summary>
/// The word-embedding lookup's sparse backward (<see cref="SequenceClassifier.EmbedWords"/>) against libtorch's dense
/// embedding backward as the reference: the same gradients bit for bit, accumulated into the optimizer's own buffer.
/// </summary>
public class WordEmbeddingGradientTests
{
    private static SequenceClassifier Create(ModelArchitecture architecture, ModelComputeOptions compute)
    {
        torch.manual_seed(3);
        return architecture == ModelArchitecture.Bert
            ? BertForSequenceClassification.Create(TinyModels.Bert(), compute)
            : DistilBertForSequenceClassification.Create(TinyModels.DistilBert(), compute);
    }

    private static Embedding WordEmbeddings(SequenceClassifier model) =>
        (Embedding)model.named_modules().Single(m => m.name.EndsWith("word_embeddings", StringComparison.Ordinal)).module;

    /// <summary>One training-mode backward from a fixed seed; every parameter's gradient, in order.</summary>
    private static List<float[]> Gradients(SequenceClassifier model)
    {
        Backward(model);
        return model.parameters().Select(p => p.grad!.data<float>().ToArray()).ToList();
    }

    private static void Backward(SequenceClassifier model)
    {
        model.train();
        torch.manual_seed(11); // the same dropout masks in both models
        // 48 ids over the 28 non-special rows: most ids occur two to five times, so rows sum several contributions.
        using var ids = torch.randint(5, model.Config.VocabSize, new long[] { 4, 12 });
        using var mask = torch.ones(4, 12, dtype: ScalarType.Int64);
        using var types = torch.zeros(4, 12, dtype: ScalarType.Int64);
        using var logits = model.Forward(ids, mask, types);
        using var weights = torch.arange(logits.numel(), dtype: ScalarType.Float32).reshape(logits.shape).add(1);
        logits.mul(weights).sum().backward();
    }

    [Theory]
    [InlineData(ModelArchitecture.Bert)]
    [InlineData(ModelArchitecture.DistilBert)]
    public void The_sparse_backward_gives_the_dense_backwards_gradients_in_the_optimizers_buffer(ModelArchitecture architecture)
    {
        using var reference = Create(architecture, new ModelComputeOptions { DenseWordGradients = true });
        using var referenceOptimizer = WeightDecayGroups.CreateFlatAdamW(reference, 1e-3, 0.01);
        using var model = Create(architecture, ModelComputeOptions.Default);
        using var optimizer = WeightDecayGroups.CreateFlatAdamW(model, 1e-3, 0.01);
        var words = WordEmbeddings(model);
        model.train();
        Assert.True(model.TakesSparseWordGradient(words));
        Assert.False(reference.TakesSparseWordGradient(WordEmbeddings(reference)));
        using var gradientBefore = words.weight!.grad!;
        long bufferAddress = TensorMemory.Float32Address(gradientBefore).ToInt64();

        var expected = Gradients(reference);
        var actual = Gradients(model);

        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], actual[i]);
        using var gradientAfter = words.weight!.grad!;
        Assert.False(gradientAfter.is_sparse);
        Assert.Equal(bufferAddress, TensorMemory.Float32Address(gradientAfter).ToInt64()); // added into the optimizer's buffer, not replaced
        // Rows no token touched stay zero; the pad row and the extra rows are never in the batch.
        var wordGradient = gradientAfter.data<float>().ToArray();
        int hidden = (int)words.weight!.shape[1];
        Assert.All(Enumerable.Range(0, 5 * hidden), i => Assert.Equal(0f, wordGradient[i]));
        Assert.Contains(wordGradient, v => v != 0f);

        // One update each from equal gradients: equal parameters.
        referenceOptimizer.Step();
        optimizer.Step();
        using var referenceWords = WordEmbeddings(reference).weight!.detach();
        using var updatedWords = words.weight!.detach();
        Assert.Equal(referenceWords.data<float>().ToArray(), updatedWords.data<float>().ToArray());
    }

    [Fact]
    public void Without_a_gradient_buffer_the_lookup_keeps_libtorchs_dense_gradient()
    {
        // A plain backward (no FlatAdamW): torch.optim's optimizers and clip_grad_norm_ need dense gradients.
        using var reference = Create(ModelArchitecture.Bert, new ModelComputeOptions { DenseWordGradients = true });
        using var model = Create(ModelArchitecture.Bert, ModelComputeOptions.Default);
        var words = WordEmbeddings(model);
        model.train();
        Assert.False(model.TakesSparseWordGradient(words));
        Backward(reference);
        Backward(model);
        using var expected = WordEmbeddings(reference).weight!.grad!;
        using var actual = words.weight!.grad!;
        Assert.False(actual.is_sparse);
        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
    }

    [Fact]
    public void Evaluation_no_grad_and_frozen_tables_take_the_modules_own_lookup()
    {
        using var model = Create(ModelArchitecture.Bert, ModelComputeOptions.Default);
        using var optimizer = WeightDecayGroups.CreateFlatAdamW(model, 1e-3, 0.01);
        var words = WordEmbeddings(model);
        model.train();
        Assert.True(model.TakesSparseWordGradient(words));
        using (torch.no_grad()) Assert.False(model.TakesSparseWordGradient(words));
        model.eval();
        Assert.False(model.TakesSparseWordGradient(words));
        model.train();
        words.weight!.requires_grad = false;
        Assert.False(model.TakesSparseWordGradient(words));
    }
}
