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
        Assert.Equal(ExecutionProviderPreference.Cuda, BenchmarkArguments.ParseProvider("CUDA"));
        Assert.Equal(ExecutionProviderPreference.Auto, BenchmarkArguments.ParseProvider("auto"));
        Assert.Equal(ExecutionProviderPreference.Cpu, BenchmarkArguments.ParseProvider(" cpu "));
        Assert.Contains("expected auto, cuda or cpu", Assert.Throws<UserInputException>(() => BenchmarkArguments.ParseProvider("tpu")).Message);
    }
}
