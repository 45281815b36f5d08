using PpkmOnnx.Core;
using PpkmOnnx.Training.Performance;

namespace PpkmOnnx.Training.Tests;

/// <summary>
/// <see cref="MklKernels"/>' mode spellings and <see cref="PltSlot"/>'s lookup in libtorch's own library. Whether the
/// redirect reaches oneMKL is shown end to end in separate processes (<c>ProcessSettingsCliTests</c>).
/// </summary>
public class MklKernelsTests
{
    [Theory]
    [InlineData(null, MklKernelMode.Auto)]
    [InlineData("", MklKernelMode.Auto)]
    [InlineData("auto", MklKernelMode.Auto)]
    [InlineData(" Vendor ", MklKernelMode.Vendor)]
    [InlineData("GENERIC", MklKernelMode.Generic)]
    public void Modes_parse_case_insensitively_and_default_to_auto(string? value, MklKernelMode expected) =>
        Assert.Equal(expected, MklKernels.ParseMode(value));

    [Fact]
    public void An_unknown_mode_names_the_variable_and_the_choices()
    {
        var e = Assert.Throws<InvalidSettingException>(() => MklKernels.ParseMode("intel"));
        Assert.Equal("PPKM_MKL_KERNELS: expected auto, vendor or generic, got 'intel'.", e.Message);
    }

    [Fact]
    public void Libtorch_calls_the_vendor_check_through_a_plt_slot_and_has_none_for_an_unknown_function()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64) return;
        TorchSharp.torch.zeros(1).Dispose(); // libtorch is loaded
        // readelf -rW libtorch_cpu.so (libtorch-cpu-linux-x64 2.10.0) lists R_X86_64_JUMP_SLOT relocations for both.
        Assert.NotNull(PltSlot.Find("libtorch_cpu.so", "mkl_serv_intel_cpu_true"));
        Assert.NotNull(PltSlot.Find("libtorch_cpu.so", "mkl_serv_intel_cpu"));
        Assert.Null(PltSlot.Find("libtorch_cpu.so", "mkl_serv_intel_cpu_tru"));
        Assert.Null(PltSlot.Find("libnot_loaded_here.so", "mkl_serv_intel_cpu_true"));
    }
}
