using System.Runtime.InteropServices;
using PpkmOnnx.Core;
using PpkmOnnx.Training.Performance;

namespace PpkmOnnx.Training.Tests;

/// <summary>
/// <see cref="HeapSettings"/>' mode spellings, and what its default does to glibc's allocator in this process. What a
/// training run records for each mode is shown end to end in separate processes (<c>HeapSettingsCliTests</c>).
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

    /// <summary>Whether glibc served the block at <paramref name="pointer"/> by its own mmap: bit 1 (IS_MMAPPED) of the chunk's size word, just before it.</summary>
    private static bool IsMapped(IntPtr pointer) => (Marshal.ReadInt64(pointer, -8) & 2) != 0;

    [Fact]
    public void Reuse_serves_tensor_sized_blocks_from_the_heap_and_larger_ones_by_mmap()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return; // glibc x86-64 chunk layout
        if (HeapSettings.ReadMode() != HeapMode.Reuse) return; // PPKM_MALLOC=glibc set for this test run
        var state = HeapSettings.EnsureConfigured();
        Assert.Null(state.Failure);
        // 25 MB: a 32 × 128 attention-probabilities tensor of MiniLM. glibc's default threshold starts at 128 KiB.
        // Marshal.AllocHGlobal is malloc on Unix.
        IntPtr tensorSized = Marshal.AllocHGlobal(25_165_824);
        IntPtr overThreshold = Marshal.AllocHGlobal(40 << 20);
        try
        {
            Assert.False(IsMapped(tensorSized));
            Assert.True(IsMapped(overThreshold));
        }
        finally
        {
            Marshal.FreeHGlobal(tensorSized);
            Marshal.FreeHGlobal(overThreshold);
        }
    }
}
