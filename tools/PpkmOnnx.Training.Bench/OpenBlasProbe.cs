using System.Diagnostics;
using System.Runtime.InteropServices;
using PpkmOnnx.Training.Performance;

/// <summary>
/// Debian's OpenBLAS SGEMM rate at the same shapes and thread count, called directly through <c>cblas_sgemm</c> (the
/// library Debian's PyTorch and numpy use): the other candidate for the machine's peak. Absent libraries are reported,
/// not installed (installing one switches the system's libblas.so.3 alternative under other users).
/// </summary>
internal static unsafe class OpenBlasProbe
{
    private static readonly string[] Candidates =
    {
        "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0",
        "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
        "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
        "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
    };

    /// <summary>The rates, or why there are none.</summary>
    public static Dictionary<string, object?> Measure(IReadOnlyList<GemmShape> shapes, int threads, double secondsPerShape = 0.25)
    {
        var path = Candidates.FirstOrDefault(File.Exists);
        if (path is null)
        {
            string blas = "/usr/lib/x86_64-linux-gnu/libblas.so.3";
            string provider = File.Exists(blas) ? new FileInfo(blas).ResolveLinkTarget(true)?.FullName ?? blas : "none";
            return new() { ["available"] = false, ["reason"] = $"no libopenblas.so.0 installed (libblas.so.3 is {provider}); Debian: apt-get install libopenblas0-openmp" };
        }
        var library = NativeLibrary.Load(path);
        var sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)NativeLibrary.GetExport(library, "cblas_sgemm");
        if (NativeLibrary.TryGetExport(library, "openblas_set_num_threads", out var setThreads))
            ((delegate* unmanaged<int, void>)setThreads)(threads);
        var rates = new List<GemmRate>();
        var random = new Random(7);
        foreach (var s in shapes)
        {
            var a = new float[s.M * s.K];
            var b = new float[s.K * s.N];
            var c = new float[s.M * s.N];
            for (int i = 0; i < a.Length; i++) a[i] = (float)random.NextDouble();
            for (int i = 0; i < b.Length; i++) b[i] = (float)random.NextDouble();
            fixed (float* pa = a, pb = b, pc = c)
            {
                const int RowMajor = 101, NoTrans = 111;
                float* ap = pa, bp = pb, cp = pc;
                void Product() => sgemm(RowMajor, NoTrans, NoTrans, (int)s.M, (int)s.N, (int)s.K, 1f, ap, (int)s.K, bp, (int)s.N, 0f, cp, (int)s.N);
                Product();
                Product();
                var times = new List<double>();
                var total = Stopwatch.StartNew();
                while (times.Count < 3 || total.Elapsed.TotalSeconds < secondsPerShape)
                {
                    var clock = Stopwatch.StartNew();
                    Product();
                    times.Add(clock.Elapsed.TotalSeconds);
                    if (times.Count >= 1000) break;
                }
                times.Sort();
                rates.Add(new GemmRate(s, times[times.Count / 2], times.Count));
            }
        }
        return new()
        {
            ["available"] = true, ["library"] = path,
            ["shapes"] = rates.Select(r => new Dictionary<string, object> { ["shape"] = r.Shape.ToString(), ["gflops"] = Math.Round(r.GflopPerSecond, 1) }).ToList(),
            ["best_gflops"] = Math.Round(rates.Max(r => r.GflopPerSecond), 1),
        };
    }
}
