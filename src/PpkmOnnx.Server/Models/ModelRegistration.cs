using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;

namespace PpkmOnnx.Server.Models;

/// <summary>One model to serve: a name clients use, a package folder and the variant inside it.</summary>
/// <param name="Name">Name used in requests (<c>"model": "..."</c>).</param>
/// <param name="PackagePath">Model package folder.</param>
/// <param name="Variant">Variant to load.</param>
public sealed record ModelRegistration(string Name, string PackagePath, ModelVariant Variant = ModelVariant.Fp32)
{
    /// <summary>
    /// True for names safe in URLs, logs, metrics labels and file names: 1–64 ASCII letters, digits, <c>.</c>, <c>_</c> or
    /// <c>-</c>, starting with a letter or digit.
    /// </summary>
    public static bool IsSafeName(string name) =>
        name.Length is >= 1 and <= 64 && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>The setting a <c>name=path[:variant]</c> spec is, as <see cref="Parse"/>'s errors name it.</summary>
    public const string SpecSetting = "Model";

    /// <summary>Parses <c>name=path[:variant]</c> (or a bare <c>path</c>, named after its folder).</summary>
    /// <exception cref="InvalidSettingException">Empty spec, name or path (setting <see cref="SpecSetting"/>).</exception>
    /// <exception cref="UserInputException">An unknown variant.</exception>
    public static ModelRegistration Parse(string spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw new InvalidSettingException(SpecSetting, "empty value (expected name=path[:variant]).");
        string? name = null;
        var rest = spec;
        int eq = spec.IndexOf('=', StringComparison.Ordinal);
        if (eq >= 0) { name = spec[..eq].Trim(); rest = spec[(eq + 1)..]; }
        var variant = ModelVariant.Fp32;
        int colon = rest.LastIndexOf(':');
        // Only a known variant after the last colon is a variant; anything else stays part of the path.
        if (colon > 0 && !rest[(colon + 1)..].Contains('/', StringComparison.Ordinal))
        {
            variant = ModelPackageLayout.ParseVariant(rest[(colon + 1)..]);
            rest = rest[..colon];
        }
        if (string.IsNullOrWhiteSpace(rest)) throw new InvalidSettingException(SpecSetting, $"'{spec}' has no package path (expected name=path[:variant]).");
        name ??= new DirectoryInfo(Path.GetFullPath(rest)).Name + (variant == ModelVariant.Fp32 ? "" : "-" + ModelPackageLayout.VariantName(variant));
        if (name.Length == 0) throw new InvalidSettingException(SpecSetting, $"'{spec}' has an empty model name.");
        return new ModelRegistration(name, rest, variant);
    }

    /// <summary>
    /// Reads a models file: <c>{"models": [{"name": ..., "path": ..., "variant": ...}]}</c> or the bare array.
    /// Relative paths are relative to the file.
    /// </summary>
    /// <exception cref="UserInputException">The file is missing, not JSON, or an entry lacks name/path or has a field that is not a string.</exception>
    public static IReadOnlyList<ModelRegistration> LoadFile(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: models file not found.");
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new UserInputException($"{path}: not valid JSON ({e.Message})."); }
        var array = root as JsonArray ?? (root as JsonObject)?["models"] as JsonArray
            ?? throw new UserInputException($"{path}: expected {{\"models\": [...]}} or a JSON array.");
        var baseFolder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var list = new List<ModelRegistration>();
        for (int i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject entry) throw new UserInputException($"{path}: models[{i}] is not an object.");
            // Absent (or null) is "not given"; any other non-string is a mistake, not a default ("variant": 7 is not fp32).
            string? Str(string key) => entry[key] switch
            {
                null => null,
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                var other => throw new UserInputException(path, $"models[{i}].{key}", $"must be a string, got {other.ToJsonString()}."),
            };
            var name = Str("name");
            var package = Str("path");
            if (string.IsNullOrWhiteSpace(name)) throw new UserInputException($"{path}: models[{i}] has no \"name\".");
            if (string.IsNullOrWhiteSpace(package)) throw new UserInputException($"{path}: models[{i}] has no \"path\".");
            ModelVariant variant;
            var variantName = Str("variant");
            try { variant = variantName is { } v ? ModelPackageLayout.ParseVariant(v) : ModelVariant.Fp32; }
            catch (UserInputException e) { throw new UserInputException(path, $"models[{i}]", e.Message, e); }
            list.Add(new ModelRegistration(name, Path.Combine(baseFolder, package), variant));
        }
        return list;
    }
}
