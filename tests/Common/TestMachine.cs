namespace PpkmOnnx.Tests.Common;

/// <summary>Facts about the machine the tests run on, asked of the operating system rather than of the code under test.</summary>
internal static class TestMachine
{
    /// <summary>
    /// Whether this machine has an NVIDIA GPU, asked of the kernel rather than of ONNX Runtime: the driver creates one
    /// <c>/dev/nvidiaN</c> device node per GPU (the <c>nvidiactl</c>/<c>nvidia-uvm</c> nodes carry no number).
    /// </summary>
    public static bool NvidiaGpuPresent() =>
        Directory.Exists("/dev") && Directory.EnumerateFiles("/dev", "nvidia*").Any(f => Path.GetFileName(f)["nvidia".Length..] is { Length: > 0 } n && n.All(char.IsAsciiDigit));
}
