using System.Net;
using System.Text.RegularExpressions;

namespace PpkmOnnx.Server.Tests;

public sealed partial class MetricsLabelTests
{
    [GeneratedRegex("^ppkm_http_requests_total\\{route=\"([^\"]*)\",method=\"([^\"]*)\",status=\"([^\"]*)\"\\} ([0-9.]+)$", RegexOptions.Multiline)]
    private static partial Regex RequestSeries();

    private static Dictionary<(string Route, string Method, string Status), double> Series(string exposition) =>
        RequestSeries().Matches(exposition).ToDictionary(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value), m => double.Parse(m.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Random_methods_and_paths_fold_into_a_fixed_set_of_series()
    {
        await using var h = await ServerHarness.StartAsync();
        var before = Series(await h.Client.GetStringAsync("/metrics"));

        var rng = new Random(15);
        string Token(int length) => new(Enumerable.Range(0, length).Select(_ => (char)('A' + rng.Next(26))).ToArray());
        string RandomPath() => "/" + string.Join('/', Enumerable.Range(0, rng.Next(1, 4)).Select(_ => Token(8).ToLowerInvariant()));
        var sent = new List<(string Method, string Path, HttpStatusCode Status)>();
        for (int i = 0; i < 50; i++)
        {
            var (method, path) = (i % 10) switch
            {
                0 or 5 => ("GET", RandomPath()),
                1 or 6 => ("POST", RandomPath()),
                9 => ("X" + Token(7), "/v1/classify"), // a real path with an invented method: 405
                _ => (Token(rng.Next(3, 12)), RandomPath()),
            };
            using var response = await h.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            sent.Add((method, path, response.StatusCode));
        }
        // 10 GET, 10 POST and 25 invented methods on invented paths (404); 5 invented methods on /v1/classify (405).
        Assert.Equal(45, sent.Count(s => s.Status == HttpStatusCode.NotFound));
        Assert.Equal(5, sent.Count(s => s.Status == HttpStatusCode.MethodNotAllowed));

        var after = Series(await h.Client.GetStringAsync("/metrics"));
        var added = after.Keys.Except(before.Keys).ToHashSet();
        Assert.Equal(
            new HashSet<(string, string, string)>
            {
                ("unmatched", "GET", "404"), ("unmatched", "POST", "404"), ("unmatched", "other", "404"), ("unmatched", "other", "405"),
                ("/metrics", "GET", "200"), // the first scrape, counted after it answered
            },
            added);
        Assert.Equal(10, after[("unmatched", "GET", "404")]);
        Assert.Equal(10, after[("unmatched", "POST", "404")]);
        Assert.Equal(25, after[("unmatched", "other", "404")]);
        Assert.Equal(5, after[("unmatched", "other", "405")]);
        var exposition = await h.Client.GetStringAsync("/metrics");
        Assert.Equal(50, MetricsText.Value(exposition, "ppkm_http_request_duration_seconds_count", "route=\"unmatched\""));
        // No invented method or path appears anywhere in the exposition.
        Assert.DoesNotContain(sent.Where(s => s.Method.StartsWith('X') || s.Method.Length != 3 && s.Method.Length != 4), s => exposition.Contains(s.Method, StringComparison.Ordinal));
        Assert.DoesNotContain(sent, s => s.Path != "/v1/classify" && exposition.Contains(s.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Standard_methods_keep_their_name()
    {
        await using var h = await ServerHarness.StartAsync();
        foreach (var method in new[] { "PUT", "DELETE", "PATCH", "OPTIONS" })
            await h.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/v1/models"));
        var series = Series(await h.Client.GetStringAsync("/metrics"));
        foreach (var method in new[] { "PUT", "DELETE", "PATCH", "OPTIONS" })
            Assert.Equal(1, series[("unmatched", method, "405")]);
        Assert.DoesNotContain(series.Keys, k => k.Method == "other");
    }
}
