using System.Diagnostics;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Cli.Tests;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM sent to the real <c>ppkm</c> process in the middle of its work: the command stops at its
/// next cancellation check (seconds, not the rest of the run), exits 130 and leaves no staging file or folder and no
/// half-made artifact; and a staging name left by a killed process is removed by the next run to the same destination.
/// </summary>
public sealed class InterruptTests : IDisposable
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    // Generous for a loaded 2-core machine; the work the signal cuts short would run for tens of seconds more.
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(15);

    private readonly TempFolder _tmp = TestPaths.NewTempFolder();

    public void Dispose() => _tmp.Dispose();

    private static void AssertCancelled(PpkmProcess.Interrupted run)
    {
        var r = run.Result;
        Assert.True(r.ExitCode == 130, $"exit {r.ExitCode}\nstdout: {r.Stdout}\nstderr: {r.Stderr}");
        Assert.True(run.SignalToExit < Prompt, $"took {run.SignalToExit} to exit after the signal");
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    private static string[] StagingLeft(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Where(p => Path.GetFileName(p).Contains(".tmp-", StringComparison.Ordinal)).ToArray();

    private string TinyPackageFolder()
    {
        var package = _tmp.Combine("pkg");
        TinyPackage.Create(7).WriteTo(package);
        return package;
    }

    [Theory]
    [InlineData(SigInt)]
    [InlineData(SigTerm)]
    public void Predict_stops_deletes_its_staging_file_and_exits_130(int signal)
    {
        var package = TinyPackageFolder();
        var input = _tmp.Combine("in.txt");
        // Far more rows than the run gets through before the signal (about 6 s of work; the signal comes in the first).
        File.WriteAllLines(input, Enumerable.Range(0, 500_000).Select(i => $"ppkm bagus sekali {i % 97} vaksin buruk {i % 13}"));
        var run = PpkmProcess.Interrupt(_tmp.Path, _ => Directory.EnumerateFiles(_tmp.Path, "out.csv.tmp-*").Any(), signal,
            "predict", package, "--input", input, "-o", "out.csv", "--provider", "cpu", "--threads", "1", "--parallel-runs", "1");
        AssertCancelled(run);
        Assert.Contains("ppkm: cancelled.", run.Result.Stderr);
        Assert.False(File.Exists(_tmp.Combine("out.csv")));
        Assert.Empty(StagingLeft(_tmp.Path));
    }

    [Fact]
    public void Bench_stops_and_writes_no_bench_json()
    {
        var package = TinyPackageFolder();
        var data = _tmp.Combine("demo.tsv");
        DemoDataset.Write(data);
        var run = PpkmProcess.Interrupt(_tmp.Path, output => output.Contains("Split fingerprint", StringComparison.Ordinal), SigTerm,
            "bench", package, "--data", data, "-o", "bench", "--provider", "cpu", "--threads", "1", "--repeats", "1000", "--iterations", "1000", "--batch-sizes", "1");
        AssertCancelled(run);
        Assert.False(File.Exists(_tmp.Combine("bench", "bench.json")));
        Assert.Empty(StagingLeft(_tmp.Path));
    }

    [Fact]
    public void Quantize_stops_and_writes_neither_the_variant_nor_its_record()
    {
        var package = TinyPackageFolder();
        var before = Directory.GetFiles(package).Select(Path.GetFileName).Order().ToArray();
        var data = _tmp.Combine("demo.tsv");
        // Many validation and test texts: the accuracy guard scores them batch by batch, FP32 then the variant.
        WriteManyRows(data, copies: 200);
        var run = PpkmProcess.Interrupt(_tmp.Path, output => output.Contains("Quantizing", StringComparison.Ordinal), SigInt,
            "quantize", package, "--mode", "static", "--data", data, "--calibration-samples", "100000");
        AssertCancelled(run);
        Assert.Equal(before, Directory.GetFiles(package).Select(Path.GetFileName).Order().ToArray());
        Assert.Empty(StagingLeft(_tmp.Path));
    }

    [Fact]
    public void Export_stops_during_validation_and_leaves_no_package_or_staging_folder()
    {
        var data = _tmp.Combine("demo.tsv");
        WriteManyRows(data, copies: 100);
        var checkpoint = TinyBert.Write(_tmp.Combine("ckpt"), data);
        var run = PpkmProcess.Interrupt(_tmp.Path, _ => Directory.EnumerateDirectories(_tmp.Path, "pkg.tmp-*").Any(), SigTerm,
            "export", checkpoint, "-o", "pkg", "--data", data, "--validation-texts", "100000");
        AssertCancelled(run);
        Assert.False(Directory.Exists(_tmp.Combine("pkg")));
        Assert.Empty(StagingLeft(_tmp.Path));
    }

    // data split wrote its four files one by one with no signal handling: a Ctrl-C left a new train.tsv beside the previous
    // validation.tsv, test.tsv and split.json, or a staging file, or three files without split.json in a new folder.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Split_stopped_while_writing_keeps_the_previous_split_or_leaves_no_folder(bool previousSplit)
    {
        var small = _tmp.Combine("small.tsv");
        var big = _tmp.Combine("big.tsv");
        // Unique rows, three classes: reading and splitting take seconds, writing train.tsv (about 30 MB) long enough to be caught.
        string[] labels = ["positive", "neutral", "negative"];
        File.WriteAllLines(small, Enumerable.Range(0, 60).Select(i => $"ulasan kecil {i}\t{labels[i % 3]}"));
        File.WriteAllLines(big, Enumerable.Range(0, 500_000).Select(i => $"ulasan warung dan layanan di kota bandung nomor {i}\t{labels[i % 3]}"));
        var output = _tmp.Combine("split");
        Dictionary<string, byte[]> before = [];
        if (previousSplit)
        {
            var first = PpkmProcess.Run(_tmp.Path, "data", "split", small, "-o", output);
            Assert.True(first.ExitCode == 0, first.Stderr);
            File.WriteAllText(Path.Combine(output, "notes.txt"), "the user's own file");
            before = Directory.GetFiles(output).ToDictionary(p => Path.GetFileName(p), File.ReadAllBytes);
            Assert.Equal(["notes.txt", "split.json", "test.tsv", "train.tsv", "validation.tsv"], before.Keys.Order());
        }
        var run = PpkmProcess.Interrupt(_tmp.Path, _ => StagingLeft(_tmp.Path).Length > 0, SigInt, "data", "split", big, "-o", output);
        AssertCancelled(run);
        Assert.Contains("ppkm: cancelled.", run.Result.Stderr);
        Assert.Empty(StagingLeft(_tmp.Path));
        if (previousSplit)
        {
            var after = Directory.GetFiles(output).ToDictionary(p => Path.GetFileName(p), File.ReadAllBytes);
            Assert.Equal(before.Keys.Order(), after.Keys.Order());
            foreach (var (name, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[name]), $"{name} changed");
        }
        else
        {
            Assert.False(Directory.Exists(output));
        }
    }

    // pretrained import had no signal handling: a Ctrl-C killed it and left OUT.tmp-PID-GUID/ with a partial model.safetensors.
    [Fact]
    public void Pretrained_import_stops_and_leaves_no_staging_folder()
    {
        var run = PpkmProcess.Interrupt(_tmp.Path, _ => Directory.EnumerateDirectories(_tmp.Path, "enc.tmp-*").Any(), SigInt,
            "pretrained", "import", "arctic-xs", "-o", "enc");
        AssertCancelled(run);
        Assert.Contains("ppkm: cancelled.", run.Result.Stderr);
        Assert.False(Directory.Exists(_tmp.Combine("enc")));
        Assert.Empty(StagingLeft(_tmp.Path));
    }

    // tokenizer train died from the signal; now it stops at its next text or merge, writes nothing and exits 130.
    [Fact]
    public void Tokenizer_train_stops_and_writes_no_tokenizer_folder()
    {
        var corpus = _tmp.Combine("corpus.txt");
        // Many distinct words: counting and tens of thousands of merges take seconds after the first line is printed.
        File.WriteAllLines(corpus, Enumerable.Range(0, 300_000).Select(i => $"kata{i} ulasan{i % 5000}x warung{i % 777}y bandung{i * 31 % 9973}z"));
        var run = PpkmProcess.Interrupt(_tmp.Path, output => output.Contains("Learning a", StringComparison.Ordinal), SigInt,
            "tokenizer", "train", corpus, "-o", "tok", "--vocab-size", "200000", "--min-frequency", "1");
        AssertCancelled(run);
        Assert.Contains("ppkm: cancelled.", run.Result.Stderr);
        Assert.False(Directory.Exists(_tmp.Combine("tok")));
        Assert.Empty(StagingLeft(_tmp.Path));
    }

    // The demo tweets (each repeated copies times, see WriteManyRows) and a tiny BERT fitted to their words; with LongRun a
    // training command runs for minutes unless stopped.
    private (string Data, string Model) DemoDataAndTinyBert(string modelFolder, int copies)
    {
        var data = _tmp.Combine("demo.tsv");
        WriteManyRows(data, copies);
        return (data, TinyBert.Write(_tmp.Combine(modelFolder), data));
    }

    private static readonly string[] LongRun = ["--epochs", "200", "--batch-size", "8", "--device", "cpu", "--threads", "1"];

    [Fact]
    public void Distill_stopped_in_its_first_epoch_leaves_no_output_folder()
    {
        // 4,800 training rows: the first epoch (600 steps) lasts seconds after the signal's cue, even at the student's
        // speed once the teacher's logits are stored.
        var (data, teacher) = DemoDataAndTinyBert("teacher", copies: 10);
        var run = PpkmProcess.Interrupt(_tmp.Path, output => output.Contains("epoch 1/", StringComparison.Ordinal), SigInt,
            ["distill", teacher, "--data", data, "-o", "student", .. LongRun]);
        AssertCancelled(run);
        Assert.Contains("before the first epoch ended: there is nothing to keep or resume", run.Result.Stdout);
        Assert.DoesNotContain("--resume", run.Result.Stdout);
        Assert.False(Directory.Exists(_tmp.Combine("student")));
        Assert.Empty(StagingLeft(_tmp.Path));
    }

    [Fact]
    public void Train_stopped_after_an_epoch_keeps_that_epoch_and_says_how_to_resume()
    {
        var (data, model) = DemoDataAndTinyBert("model", copies: 1);
        var run = PpkmProcess.Interrupt(_tmp.Path, output => output.Contains("epoch 1/200: train loss", StringComparison.Ordinal), SigTerm,
            ["train", model, "--data", data, "-o", "out", .. LongRun]);
        AssertCancelled(run);
        Assert.Contains("The best checkpoint so far is in out; continue with --resume.", run.Result.Stdout);
        Assert.True(File.Exists(_tmp.Combine("out", "resume", "resume.json")));
        Assert.True(File.Exists(_tmp.Combine("out", "model.safetensors")));
        Assert.Empty(StagingLeft(_tmp.Path));
    }

    [Fact]
    public async Task Train_with_force_stopped_in_its_first_epoch_puts_the_finished_run_it_replaces_back()
    {
        // 9,600 training rows: the replacing run's first epoch (1,200 steps) lasts well past the signal's cue.
        var (data, model) = DemoDataAndTinyBert("model", copies: 20);
        var small = _tmp.Combine("small.tsv");
        DemoDataset.Write(small);
        var output = _tmp.Combine("out");
        var (code, _, error) = await CliInvocation.RunAsync(["train", model, "--data", small, "-o", output, "--epochs", "1", "--batch-size", "16", "--device", "cpu", "--threads", "1"]);
        Assert.True(code == 0, error);
        var finished = FolderSnapshot.Take(output);

        var run = PpkmProcess.Interrupt(_tmp.Path, text => text.Contains("epoch 1/", StringComparison.Ordinal), SigInt,
            ["train", model, "--data", data, "-o", "out", "--force", .. LongRun]);
        AssertCancelled(run);
        Assert.Contains("before the first epoch ended: there is nothing to keep or resume, and out is as it was before the run.", run.Result.Stdout);
        FolderSnapshot.AssertUnchanged(finished, output);
        Assert.Empty(StagingLeft(_tmp.Path));
    }

    [Fact]
    public void A_staging_file_of_a_killed_run_is_removed_by_the_next_run_to_the_same_output()
    {
        var package = TinyPackageFolder();
        var input = _tmp.Combine("in.txt");
        File.WriteAllLines(input, ["ppkm bagus", "vaksin buruk"]);
        int gone = ExitedProcessId();
        var stale = _tmp.Combine($"out.csv.tmp-{gone}-{Guid.NewGuid():N}");
        File.WriteAllText(stale, "half-written");
        // A live process's staging file (this test host's) is someone else's work in progress: kept.
        var live = _tmp.Combine($"out.csv.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        File.WriteAllText(live, "in progress");
        var r = PpkmProcess.Run(_tmp.Path, "predict", package, "--input", input, "-o", "out.csv", "--provider", "cpu", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
        Assert.Equal(3, File.ReadAllLines(_tmp.Combine("out.csv")).Length);
    }

    [Fact]
    public void Predict_to_a_closed_pipe_stops_with_one_line_and_exit_141()
    {
        var package = TinyPackageFolder();
        var input = _tmp.Combine("in.txt");
        File.WriteAllLines(input, Enumerable.Range(0, 500_000).Select(i => $"ppkm bagus sekali {i % 97} vaksin buruk {i % 13}"));
        var (first, r, closeToExit) = PpkmProcess.RunAndCloseStdoutAfterFirstLine(_tmp.Path,
            "predict", package, "--input", input, "-o", "-", "--provider", "cpu", "--threads", "1", "--parallel-runs", "1");
        Assert.StartsWith("row,text,label,prob_", first);
        Assert.True(r.ExitCode == 141, $"exit {r.ExitCode}: {r.Stderr}");
        Assert.Equal("ppkm: error: standard output was closed by its reader (broken pipe); stopped scoring.", r.Stderr.Trim());
        // All 500,000 rows take about 6 s; the close is noticed at the next chunk's write.
        Assert.True(closeToExit < TimeSpan.FromSeconds(3), $"ran {closeToExit} after the pipe closed");
    }

    // The demo file's 600 rows, each repeated with a distinct suffix so none is a duplicate: as many texts as a test needs.
    private static void WriteManyRows(string path, int copies)
    {
        var lines = DemoDataset.ToText().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var writer = new StreamWriter(path);
        writer.Write(lines[0] + "\n");
        for (int copy = 0; copy < copies; copy++)
            foreach (var line in lines.Skip(1))
            {
                var fields = line.Split('\t');
                fields[2] += $" r{copy}";
                writer.Write(string.Join('\t', fields) + "\n");
            }
    }

    // The id of a process that has exited (and, in the moment this test needs, not been reused).
    private static int ExitedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
