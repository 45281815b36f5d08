using System.Text.Json.Nodes;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Server.Tests;

public sealed class WebPageBrowserTests
{
    [SkippableFact]
    public async Task A_person_types_a_tweet_and_sees_every_model_side_by_side()
    {
        var binary = HeadlessChromium.FindBinary();
        Skip.If(binary is null, "no chromium binary on PATH (apt-get install chromium); the web page is tested in a real browser only.");
        await using var h = await ServerHarness.StartAsync(kestrel: true);
        await using var browser = await HeadlessChromium.LaunchAsync(binary!);

        await browser.SendAsync("Page.navigate", new JsonObject { ["url"] = h.App.Urls.First() + "/" });
        await browser.WaitUntilAsync("document.readyState === 'complete' && !!document.getElementById('text')");
        const string tweet = "PPKM lagi, pasar sepi dan warga sedih!";
        await browser.EvaluateAsync("document.getElementById('text').focus()");
        await browser.SendAsync("Input.insertText", new JsonObject { ["text"] = tweet });
        Assert.Equal(tweet, (await browser.EvaluateAsync("document.getElementById('text').value"))!.GetValue<string>());
        await browser.EvaluateAsync("document.getElementById('classify').click()");
        await browser.WaitUntilAsync("document.body.dataset.state === 'done' || document.body.dataset.state === 'error'");

        var cards = (await browser.EvaluateAsync("""
            JSON.stringify([...document.querySelectorAll('.card')].map(c => ({
              model: c.dataset.model,
              label: c.querySelector('.label').textContent,
              latency: c.querySelector('.latency').textContent,
              scores: [...c.querySelectorAll('tr')].map(r => ({ label: r.dataset.label, score: Number(r.dataset.score) }))
            })))
            """))!.GetValue<string>();
        var parsed = JsonNode.Parse(cards)!.AsArray();
        Assert.Equal(["tiny", "tiny-int8"], parsed.Select(c => c!["model"]!.GetValue<string>()));
        foreach (var card in parsed)
        {
            var (model, folder) = h.Packages[card!["model"]!.GetValue<string>()];
            var expected = model.ExpectedProbabilities(folder, tweet);
            var best = TinyPackage.LabelNames[Array.IndexOf(expected, expected.Max())];
            Assert.Equal(best, card["label"]!.GetValue<string>());
            Assert.EndsWith("ms", card["latency"]!.GetValue<string>());
            var scores = card["scores"]!.AsArray();
            Assert.Equal(3, scores.Count);
            foreach (var s in scores)
            {
                int id = Array.IndexOf(TinyPackage.LabelNames, s!["label"]!.GetValue<string>());
                Assert.Equal(expected[id], s["score"]!.GetValue<double>(), 5);
            }
        }
    }
}
