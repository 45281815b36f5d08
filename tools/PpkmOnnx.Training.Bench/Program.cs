// Training step time of a MiniLM-sized BERT (6 layers, hidden 384, 12 heads, FFN 1536, vocab 30522; random init)
// and of the 3-layer DistilBERT student built from it, at batch × sequence (default 32 × 64), measured side by side
// on this machine. Usage: dotnet run -c Release --project tools/PpkmOnnx.Training.Bench -- [steps] [batch] [seq] [threads]
// `-- step teacher|student [warmup] [steps] [batch] [seq] [threads] [fp32|bf16] [libtorch|counter]` times one model's fine-tune step alone and prints
// one JSON line (tools/PytorchStepCompare/compare.sh pairs it with the same step in PyTorch).
// `-- efficiency [rounds] [steps] [batch] [seq] [threads]` (EfficiencyBench.cs): phase times of the step with TorchSharp's
// AdamW and with FlatAdamW alternating, FLOPs, the machine's SGEMM peak at the model's shapes and the ratio, as JSON.
// `-- breakdown [batch] [seq] [threads]` (BreakdownBench.cs): the step's forward + backward timed piece by piece, as JSON.
// `-- freeze [pairs] [batch] [seq] [threads] [minilm|mdistilbert]` (FreezeBench.cs): the step with the embeddings trained
// and frozen, alternating, as JSON.
using System.Diagnostics;
using System.Text.Json;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Training.Distillation;
using PpkmOnnx.Training.Models;
using PpkmOnnx.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

// Before the first GEMM: oneMKL settles its kernels then (PPKM_MKL_KERNELS and PPKM_MALLOC choose).
var (mkl, heap) = PpkmOnnx.Training.Performance.ProcessSettings.EnsureConfigured();
Console.Error.WriteLine($"glibc heap: {heap.ModeName}{(heap.Failure is null ? "" : $" ({heap.Failure})")}");
Console.Error.WriteLine($"oneMKL kernels: mode {mkl.ModeName}, vendor check {mkl.VendorCheck}, code path {mkl.CodePath}{(mkl.Failure is null ? "" : $" ({mkl.Failure})")}");
if (args.Length > 0 && args[0] == "efficiency")
{
    EfficiencyBench.Run(args);
    return;
}
if (args.Length > 0 && args[0] == "breakdown")
{
    BreakdownBench.Run(args);
    return;
}
if (args.Length > 0 && args[0] == "freeze")
{
    FreezeBench.Run(args);
    return;
}
if (args.Length > 0 && args[0] == "step")
{
    StepMode(args);
    return;
}

int steps = args.Length > 0 ? int.Parse(args[0]) : 5;
int batch = args.Length > 1 ? int.Parse(args[1]) : 32;
int seq = args.Length > 2 ? int.Parse(args[2]) : 64;
if (args.Length > 3) torch.set_num_threads(int.Parse(args[3]));
Console.WriteLine($"torch threads {torch.get_num_threads()}, batch {batch} × seq {seq}, {steps} timed steps after 1 warm-up");

torch.manual_seed(1);
var config = BenchModel.MiniLmConfig();
using var teacher = BertForSequenceClassification.Create(config);
using var student = StudentBuilder.FromTeacher(teacher, new[] { 0, 2, 4 });
var ids = torch.randint(5, 30522, new long[] { batch, seq });
var mask = torch.ones(batch, seq, dtype: int64);
var types = torch.zeros(batch, seq, dtype: int64);
var labels = torch.randint(0, 3, new long[] { batch });

double Measure(string name, SequenceClassifier model, Func<Tensor, Tensor> loss)
{
    model.train();
    using var optimizer = WeightDecayGroups.CreateFlatAdamW(model, 2e-5, 0.01);
    double total = 0;
    for (int i = 0; i <= steps; i++)
    {
        var clock = Stopwatch.StartNew();
        using (var scope = torch.NewDisposeScope())
        {
            optimizer.ZeroGrad();
            var l = loss(model.Forward(ids, mask, types));
            l.backward();
            optimizer.ClipGradNorm(1.0);
            optimizer.Step();
        }
        if (i > 0) total += clock.Elapsed.TotalSeconds;
    }
    double mean = total / steps;
    Console.WriteLine($"{name,-40} {mean,7:F3} s/step  ({model.TrainableParameterCount() / 1e6:F1} M params)");
    return mean;
}

double bert = Measure("BERT 6×384 fine-tune (CE)", teacher, l => nn.functional.cross_entropy(l, labels));
double distil = Measure("DistilBERT 3×384 fine-tune (CE)", student, l => nn.functional.cross_entropy(l, labels));
teacher.eval();
double kd = Measure("DistilBERT 3×384 distill (KD, teacher fwd)", student, l =>
{
    Tensor t;
    using (torch.no_grad()) t = teacher.Forward(ids, mask, types);
    return DistillationLoss.Compute(l, t, labels, 2.0, 0.5);
});
Console.WriteLine($"ratio student/teacher step (CE): {distil / bert:F2}; distillation step / teacher step: {kd / bert:F2}");

// One model's CE fine-tune step as the trainer takes it (zero_grad, forward, cross-entropy, backward, clip 1.0, FlatAdamW step), W warm-up then K
// timed steps; the student is the 3-layer DistilBERT shape (random init: weights do not change the step time).
static void StepMode(string[] args)
{
    string which = args.Length > 1 ? args[1] : "teacher";
    if (which is not ("teacher" or "student")) throw new ArgumentException($"step: model must be teacher or student, got '{which}'.");
    int warmup = args.Length > 2 ? int.Parse(args[2]) : 1;
    int steps = args.Length > 3 ? int.Parse(args[3]) : 3;
    int batch = args.Length > 4 ? int.Parse(args[4]) : 32;
    int seq = args.Length > 5 ? int.Parse(args[5]) : 64;
    torch.set_num_threads(args.Length > 6 ? int.Parse(args[6]) : 2);
    var compute = ModelComputeOptions.Parse(ModelComputeOptions.AttentionNames[0],
        args.Length > 7 ? args[7] : ModelComputeOptions.PrecisionNames[0], args.Length > 8 ? args[8] : ModelComputeOptions.DropoutNames[0]);

    torch.manual_seed(1);
    var teacherConfig = BenchModel.MiniLmConfig();
    using SequenceClassifier model = which == "teacher"
        ? BertForSequenceClassification.Create(teacherConfig, compute)
        : DistilBertForSequenceClassification.Create(StudentBuilder.StudentConfig(teacherConfig, 3), compute);
    var ids = torch.randint(5, 30522, new long[] { batch, seq });
    var mask = torch.ones(batch, seq, dtype: int64);
    var types = torch.zeros(batch, seq, dtype: int64);
    var labels = torch.randint(0, 3, new long[] { batch });
    model.train();
    // Resident memory before the optimizer and the first step, as bert_step.py reads it: growth to the peak is what training needs.
    long residentBefore = Environment.WorkingSet;
    using var optimizer = WeightDecayGroups.CreateFlatAdamW(model, 2e-5, 0.01);
    var times = new List<double>();
    var phases = new double[4]; // forward (incl. zero_grad, loss), backward, clip, optimizer (+ scope dispose)
    for (int i = 0; i < warmup + steps; i++)
    {
        var clock = Stopwatch.StartNew();
        var marks = new double[5];
        using (var scope = torch.NewDisposeScope())
        {
            optimizer.ZeroGrad();
            var loss = nn.functional.cross_entropy(model.Forward(ids, mask, types), labels);
            marks[1] = clock.Elapsed.TotalSeconds;
            loss.backward();
            marks[2] = clock.Elapsed.TotalSeconds;
            optimizer.ClipGradNorm(1.0);
            marks[3] = clock.Elapsed.TotalSeconds;
            optimizer.Step();
        }
        marks[4] = clock.Elapsed.TotalSeconds;
        if (i < warmup) continue;
        times.Add(Math.Round(marks[4], 4));
        for (int j = 0; j < 4; j++) phases[j] += (marks[j + 1] - marks[j]) / steps;
    }
    var line = new Dictionary<string, object?>
    {
        ["impl"] = "torchsharp", ["optimizer"] = "FlatAdamW", ["version"] = "TorchSharp " + typeof(torch).Assembly.GetName().Version,
        ["model"] = which, ["layers"] = model.Config.NumHiddenLayers, ["batch"] = batch, ["seq"] = seq,
        ["threads"] = torch.get_num_threads(), ["warmup"] = warmup, ["precision"] = compute.PrecisionName, ["dropout"] = compute.DropoutName, ["params"] = model.TrainableParameterCount(),
        ["step_seconds"] = times,
        ["resident_mb_before_steps"] = Math.Round(residentBefore / 1048576.0, 1),
        ["phase_seconds"] = new Dictionary<string, double>
        {
            ["forward"] = Math.Round(phases[0], 4), ["backward"] = Math.Round(phases[1], 4),
            ["clip"] = Math.Round(phases[2], 4), ["optimizer"] = Math.Round(phases[3], 4),
        },
    };
    foreach (var (key, value) in PpkmOnnx.Training.Performance.TrainingThroughput.ProcessFacts()) line[key] = value; // mkl_kernels, malloc, peak_resident_mb
    Console.WriteLine(JsonSerializer.Serialize(line));
}
