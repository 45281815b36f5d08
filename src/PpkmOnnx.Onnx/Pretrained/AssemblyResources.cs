using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using PpkmOnnx.Core;

namespace PpkmOnnx.Onnx.Pretrained;

/// <summary>
/// Reads embedded (manifest) resources straight from a .NET assembly file with <see cref="PEReader"/>,
/// so the pretrained packages' DLLs are never loaded into the process (they target other runtimes and bring dependencies).
/// </summary>
public static class AssemblyResources
{
    /// <summary>The names of every embedded resource in <paramref name="assemblyPath"/>.</summary>
    /// <exception cref="UserInputException">The file does not exist.</exception>
    /// <exception cref="UserInputException">The file is not a .NET assembly.</exception>
    public static IReadOnlyList<string> Names(string assemblyPath)
    {
        using var pe = Open(assemblyPath);
        var md = pe.GetMetadataReader();
        return md.ManifestResources.Select(h => md.GetString(md.GetManifestResource(h).Name)).ToList();
    }

    /// <summary>The bytes of the first embedded resource whose name ends with <paramref name="nameSuffix"/>.</summary>
    /// <exception cref="UserInputException">No such resource, or the assembly is malformed.</exception>
    public static byte[] Read(string assemblyPath, string nameSuffix)
    {
        using var pe = Open(assemblyPath);
        var md = pe.GetMetadataReader();
        var corHeader = pe.PEHeaders.CorHeader ?? throw new UserInputException($"{assemblyPath}: not a .NET assembly (no CLI header).");
        foreach (var handle in md.ManifestResources)
        {
            var resource = md.GetManifestResource(handle);
            var name = md.GetString(resource.Name);
            if (!name.EndsWith(nameSuffix, StringComparison.Ordinal)) continue;
            if (!resource.Implementation.IsNil)
                throw new UserInputException($"{assemblyPath}: resource '{name}' lives in another file.");
            var directory = corHeader.ResourcesDirectory;
            var section = pe.GetSectionData(directory.RelativeVirtualAddress);
            unsafe
            {
                // Each resource is a 4-byte little-endian length followed by its bytes, at its offset in the resources directory.
                byte* start = section.Pointer + resource.Offset;
                if (resource.Offset + 4 > directory.Size) throw new UserInputException($"{assemblyPath}: resource '{name}' lies outside the resources directory.");
                int length = *(int*)start;
                if (length < 0 || resource.Offset + 4 + length > directory.Size)
                    throw new UserInputException($"{assemblyPath}: resource '{name}' has a length ({length}) past the resources directory.");
                return new ReadOnlySpan<byte>(start + 4, length).ToArray();
            }
        }
        throw new UserInputException($"{assemblyPath}: no embedded resource ending in '{nameSuffix}' (has: {string.Join(", ", md.ManifestResources.Select(h => md.GetString(md.GetManifestResource(h).Name)))}).");
    }

    private static PEReader Open(string assemblyPath)
    {
        if (!File.Exists(assemblyPath)) throw new UserInputException($"{assemblyPath}: assembly not found.");
        var pe = new PEReader(File.OpenRead(assemblyPath), PEStreamOptions.PrefetchEntireImage);
        if (!pe.HasMetadata)
        {
            pe.Dispose();
            throw new UserInputException($"{assemblyPath}: not a .NET assembly (no metadata).");
        }
        return pe;
    }
}
