using TorchSharp;
using static TorchSharp.torch;
using PpkmOnnx.Core;

namespace PpkmOnnx.Training.Training;

/// <summary>Turns <c>--device auto|cpu|cuda</c> into a torch device.</summary>
public static class DeviceSelector
{
    /// <summary>Checks <paramref name="name"/> is one of auto, cpu, cuda (case-insensitive) and returns it lower-cased.</summary>
    public static string Parse(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        return n is "auto" or "cpu" or "cuda" ? n : throw new UserInputException($"device must be auto, cpu or cuda, got '{name}'.");
    }

    /// <summary>The device to run on: CUDA when asked for (error when absent) or when <c>auto</c> finds it; CPU otherwise.</summary>
    public static Device Resolve(string name)
    {
        var n = Parse(name);
        bool cuda = torch.cuda.is_available();
        if (n == "cuda" && !cuda) throw new UserInputException("device cuda was asked for but torch.cuda.is_available() is false (CPU libtorch, or no GPU).");
        return n == "cpu" || !cuda ? torch.CPU : torch.CUDA;
    }
}
