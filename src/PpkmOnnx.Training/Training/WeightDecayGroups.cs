using PpkmOnnx.Training.Models;
using TorchSharp;
using TorchSharp.Modules;

namespace PpkmOnnx.Training.Training;

/// <summary>
/// transformers' optimizer grouping: weight decay on every weight except biases and LayerNorm parameters.
/// </summary>
public static class WeightDecayGroups
{
    /// <summary>Whether the parameter named <paramref name="name"/> (Hugging Face name) is decayed.</summary>
    public static bool IsDecayed(string name) =>
        !name.EndsWith(".bias", StringComparison.Ordinal)
        && !name.Contains("LayerNorm", StringComparison.Ordinal)
        && !name.Contains("layer_norm", StringComparison.Ordinal);

    /// <summary>
    /// The trainers' optimizer: <see cref="FlatAdamW"/> (β 0.9/0.999, ε 1e-8) over <paramref name="model"/>'s trainable
    /// parameters in the two groups. It rebinds the parameters into flat buffers (see <see cref="FlatAdamW"/>).
    /// </summary>
    public static FlatAdamW CreateFlatAdamW(SequenceClassifier model, double learningRate, double weightDecay) =>
        CreateFlatAdamW(Trainable(model), learningRate, weightDecay);

    /// <summary><see cref="FlatAdamW"/> over <paramref name="named"/> (Hugging Face names decide the decay group).</summary>
    public static FlatAdamW CreateFlatAdamW(IEnumerable<(string Name, Parameter Parameter)> named, double learningRate, double weightDecay)
    {
        var list = named.ToList();
        return FlatAdamW.Create(
            [("decay", weightDecay, list.Where(p => IsDecayed(p.Name)).ToList()),
             ("no_decay", 0.0, list.Where(p => !IsDecayed(p.Name)).ToList())],
            learningRate, 0.9, 0.999, 1e-8);
    }

    /// <summary>
    /// TorchSharp's own per-parameter <c>torch.optim.AdamW</c> (β 0.9/0.999, ε 1e-8) in the same two groups: the
    /// reference <see cref="FlatAdamW"/> is tested and benchmarked against; the trainers use <see cref="CreateFlatAdamW(SequenceClassifier, double, double)"/>.
    /// </summary>
    public static AdamW CreateAdamW(SequenceClassifier model, double learningRate, double weightDecay) =>
        CreateAdamW(Trainable(model), learningRate, weightDecay);

    /// <summary>TorchSharp's AdamW over <paramref name="named"/> (Hugging Face names decide the decay group).</summary>
    public static AdamW CreateAdamW(IEnumerable<(string Name, Parameter Parameter)> named, double learningRate, double weightDecay)
    {
        var list = named.ToList();
        var groups = new List<AdamW.ParamGroup>
        {
            new(list.Where(p => IsDecayed(p.Name)).Select(p => p.Parameter).ToList(),
                new AdamW.Options { LearningRate = learningRate, weight_decay = weightDecay }),
            new(list.Where(p => !IsDecayed(p.Name)).Select(p => p.Parameter).ToList(),
                new AdamW.Options { LearningRate = learningRate, weight_decay = 0.0 }),
        };
        return torch.optim.AdamW(groups, learningRate, 0.9, 0.999, 1e-8, weightDecay);
    }

    private static IEnumerable<(string Name, Parameter Parameter)> Trainable(SequenceClassifier model) =>
        model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter));
}
