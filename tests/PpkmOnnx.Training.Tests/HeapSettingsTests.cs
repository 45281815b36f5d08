using PpkmOnnx.Core;
using PpkmOnnx.Training.Performance;

namespace PpkmOnnx.Training.Tests;

/// <summary>
/// <see cref="HeapSettings"/>' mode spellings, and that glibc accepts its default settings. What a
/// training run records for each mode is shown end to end in separate processes (<c>ProcessSettingsCliTests</c>).
/// </summary>
public class HeapSettingsTests
{
    [Theory]
    [InlineData(null, HeapMode.Reuse)]
    [InlineData("", HeapMode.Reuse)]
    [InlineData(" Reuse ", HeapMode.Reuse)]
    [InlineData("GLIBC", HeapMode.Glibc)]
    public void Modes_parse_case_insensitively_and_default_to_reuse(string? value, HeapMode expected) =>
        Assert.Equal(expected, HeapSettings.ParseMode(value));

    [Fact]
    public void An_unknown_mode_names_the_variable_and_the_choices()
    {
        var e = Assert.Throws<InvalidSettingException>(() => HeapSettings.ParseMode("tcmalloc"));
        Assert.Equal("PPKM_MALLOC: expected reuse or glibc, got 'tcmalloc'.", e.Message);
    }

    [Fact]
    public void Glibc_accepts_the_default_thresholds()
    {
        if (!OperatingSystem.IsLinux()) return; // glibc's mallopt
        if (HeapSettings.ReadMode() != HeapMode.Reuse) return; // PPKM_MALLOC=glibc set for this test run
        // mallopt returns 0 for a value glibc refuses (an mmap threshold above HEAP_MAX_SIZE / 2, 32 MiB on 64-bit), which
        // EnsureConfigured reports as a failure. Whether a block is then mapped or taken from the heap depends on the
        // heap's free space as well (a never-trimmed heap serves even large blocks), so no allocation is asserted here.
        var state = HeapSettings.EnsureConfigured();
        Assert.Null(state.Failure);
        Assert.Equal((HeapMode.Reuse, 32 << 20, int.MaxValue), (state.Mode, state.MmapThresholdBytes!.Value, state.TrimThresholdBytes!.Value));
    }
}
