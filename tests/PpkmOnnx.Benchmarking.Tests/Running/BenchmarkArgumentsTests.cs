using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core;
using PpkmOnnx.Benchmarking.Running;
using PpkmOnnx.Runtime;

namespace PpkmOnnx.Benchmarking.Tests.Running;

public class BenchmarkArgumentsTests
{
    [Fact]
    public void Sequences_split_into_lengths_and_the_data_shape()
    {
        var (lengths, data) = BenchmarkArguments.ParseSequences(" 32, 64 ,128,DATA,64");
        Assert.Equal([32, 64, 128], lengths);
        Assert.True(data);
        var (only, noData) = BenchmarkArguments.ParseSequences("16");
        Assert.Equal([16], only);
        Assert.False(noData);
        Assert.Contains("'1'", Assert.Throws<UserInputException>(() => BenchmarkArguments.ParseSequences("1,32")).Message);
        Assert.Contains("'x'", Assert.Throws<UserInputException>(() => BenchmarkArguments.ParseSequences("x")).Message);
        Assert.Throws<UserInputException>(() => BenchmarkArguments.ParseSequences(" , "));
    }

    [Fact]
    public void Batch_sizes_and_providers_parse_or_say_what_was_expected()
    {
        Assert.Equal([1, 8, 32, 128], BenchmarkArguments.ParseBatchSizes("1,8,32,128,8"));
        Assert.Contains("'0'", Assert.Throws<UserInputException>(() => BenchmarkArguments.ParseBatchSizes("1,0")).Message);
        Assert.Contains("'-4'", Assert.Throws<UserInputException>(() => BenchmarkArguments.ParseBatchSizes("-4")).Message);
        // Bounded as predict's --batch-size is: a batch of 100,000 texts exhausted this machine's memory before timing anything.
        Assert.Equal([4096], BenchmarkArguments.ParseBatchSizes("4096"));
        Assert.Equal("batch size '4097' is not an integer in 1..4096 (expected e.g. 1,8,32,128).",
            Assert.Throws<UserInputException>(() => BenchmarkArguments.ParseBatchSizes("1,4097")).Message);
        Assert.Contains("'100000000000'", Assert.Throws<UserInputException>(() => BenchmarkArguments.ParseBatchSizes("100000000000")).Message);
        Assert.Equal(ExecutionProviderPreference.Cuda, BenchmarkArguments.ParseProvider("CUDA"));
        Assert.Equal(ExecutionProviderPreference.Auto, BenchmarkArguments.ParseProvider("auto"));
        Assert.Equal(ExecutionProviderPreference.Cpu, BenchmarkArguments.ParseProvider(" cpu "));
        Assert.Contains("expected auto, cuda or cpu", Assert.Throws<UserInputException>(() => BenchmarkArguments.ParseProvider("tpu")).Message);
    }

    [Fact]
    public void Variant_lists_parse_and_an_empty_one_is_refused_in_words()
    {
        Assert.Equal([ModelVariant.Fp32, ModelVariant.Int8], BenchmarkArguments.ParseVariants(" fp32, int8 "));
        Assert.Equal("the variant list is empty (expected e.g. fp32,int8).", Assert.Throws<UserInputException>(() => BenchmarkArguments.ParseVariants("")).Message);
        Assert.Throws<UserInputException>(() => BenchmarkArguments.ParseVariants(" , "));
    }
}
