// TokenizerBench: single-thread tokens/s of our BertWordPieceTokenizer against Microsoft.ML.Tokenizers' BertTokenizer
// on the same texts and vocabulary, printed side by side as a ratio, plus how many texts each tokenizes exactly as
// Hugging Face did (../shared/golden/tokenization). Usage: dotnet run -c Release --project tools/TokenizerBench [seconds]
using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using nietras.SeparatedValues;
using PpkmOnnx.Core.Tokenization;

double seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
var shared = FindShared();
var vocabFolder = Path.Combine(shared, "data", "vocab", "indobenchmark__indobert-base-p1");
var vocabPath = Path.Combine(vocabFolder, "vocab.txt");

var golden = File.ReadLines(Path.Combine(shared, "golden", "tokenization", "indobert-base-p1.jsonl"))
    .Where(l => l.Length > 0)
    .Select(l => { using var d = JsonDocument.Parse(l); return (Text: d.RootElement.GetProperty("text").GetString()!, Ids: d.RootElement.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray()); })
    .ToList();
var tweets = new List<string>();
var csv = Path.Combine(shared, "data", "ifest2021_ppkm", "data_latih_sheet1_train.csv");
if (File.Exists(csv))
{
    using var reader = Sep.Reader(o => o with { Unescape = true }).FromFile(csv);
    foreach (var row in reader) tweets.Add(row["Tweet"].ToString());
}
var texts = golden.Select(g => g.Text).Concat(tweets).ToArray();

var ours = BertWordPieceTokenizer.FromFolder(vocabFolder);
var library = BertTokenizer.Create(vocabPath, new BertOptions { LowerCaseBeforeTokenization = true });
// The library's WordPiece fed with our basic tokenization's words: the candidate for replacing our own WordPiece loop.
var libraryWordPiece = WordPieceTokenizer.Create(vocabPath, new WordPieceOptions { UnknownToken = "[UNK]" });
var words = texts.Select(t => ours.SplitWords(t)).ToArray();

Console.WriteLine($"vocabulary {vocabPath} ({ours.VocabularySize} ids)");
Console.WriteLine($"{texts.Length} texts: {golden.Count} golden lines + {tweets.Count} tweets from {Path.GetFileName(csv)}");
Console.WriteLine();
Console.WriteLine("exact Hugging Face ids on the golden lines:");
Console.WriteLine($"  ours                         {golden.Count(g => ours.EncodeToIds(g.Text).SequenceEqual(g.Ids)),4} / {golden.Count}");
Console.WriteLine($"  Microsoft.ML BertTokenizer   {golden.Count(g => library.EncodeToIds(g.Text).SequenceEqual(g.Ids)),4} / {golden.Count}");
int sameWordPiece = 0;
for (int t = 0; t < texts.Length; t++)
    if (LibraryWordPieceIds(t).SequenceEqual(ours.EncodeToIds(texts[t], addSpecialTokens: false))) sameWordPiece++;
Console.WriteLine($"  our words + ML WordPiece     same ids as ours on {sameWordPiece} / {texts.Length} texts");
Console.WriteLine();

var list = new List<int>(1024);
(string Name, Func<long> Pass)[] contenders =
[
    ("ours (BertWordPieceTokenizer)", () =>
    {
        long n = 0;
        foreach (var t in texts) { list.Clear(); ours.EncodeToIds(t.AsSpan(), list); n += list.Count; }
        return n;
    }),
    ("Microsoft.ML BertTokenizer", () =>
    {
        long n = 0;
        foreach (var t in texts) n += library.EncodeToIds(t).Count;
        return n;
    }),
    ("our words + ML WordPiece", () =>
    {
        long n = 0;
        for (int t = 0; t < texts.Length; t++) n += LibraryWordPieceIds(t).Count + 2;
        return n;
    }),
    ("our words + our WordPiece", () =>
    {
        // The same pre-split words through our tokenizer one word at a time (re-normalizing each): the row above's twin.
        long n = 0;
        foreach (var ws in words) foreach (var w in ws) { list.Clear(); ours.EncodeToIds(w.AsSpan(), list, addSpecialTokens: false); n += list.Count; }
        return n + 2L * words.Length;
    }),
];
// Passes interleave (one of each per round) so that load from other processes hits every contender alike.
var tokens = new long[contenders.Length];
var elapsed = new TimeSpan[contenders.Length];
foreach (var c in contenders) c.Pass(); // warm-up: JIT and caches
int rounds = 0;
var total = Stopwatch.StartNew();
while (total.Elapsed.TotalSeconds < seconds * contenders.Length || rounds < 3)
{
    for (int c = 0; c < contenders.Length; c++)
    {
        var clock = Stopwatch.StartNew();
        tokens[c] += contenders[c].Pass();
        elapsed[c] += clock.Elapsed;
    }
    rounds++;
}
var rates = new double[contenders.Length];
for (int c = 0; c < contenders.Length; c++)
{
    rates[c] = tokens[c] / elapsed[c].TotalSeconds;
    Console.WriteLine($"{contenders[c].Name,-32} {rates[c] / 1e6,7:F2} M tokens/s  ({rounds} passes of {tokens[c] / rounds} tokens, one thread)");
}
Console.WriteLine();
Console.WriteLine($"ours / Microsoft.ML BertTokenizer: {rates[0] / rates[1]:F2}x tokens/s");
Console.WriteLine($"WordPiece step on pre-split words, ours / ML WordPiece: {rates[3] / rates[2]:F2}x");
return 0;

List<int> LibraryWordPieceIds(int text)
{
    var ids = new List<int>();
    foreach (var w in words[text]) ids.AddRange(libraryWordPiece.EncodeToIds(w, considerPreTokenization: false, considerNormalization: false));
    return ids;
}

static string FindShared()
{
    var env = Environment.GetEnvironmentVariable("PPKM_SHARED");
    if (!string.IsNullOrEmpty(env)) return env;
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "PpkmOnnx.sln")))
            return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
    throw new DirectoryNotFoundException("../shared not found beside the checkout; set PPKM_SHARED.");
}
