using static TorchSharp.torch;

namespace PpkmOnnx.Training.Models;

/// <summary>
/// A module with no computation of its own: it only names its children, so parameter paths match Hugging Face's
/// (<c>bert.encoder.layer.0.attention.self.query.weight</c>) while the forward code lives in one readable place.
/// </summary>
internal sealed class ModuleContainer : nn.Module
{
    public ModuleContainer(string name, params (string Name, nn.Module Child)[] children) : base(name)
    {
        foreach (var (childName, child) in children) register_module(childName, child);
    }
}
