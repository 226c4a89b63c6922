using System.Text.Json;
using System.Text.Json.Serialization;

namespace LabelFree.Core.IO;

/// <summary>The one JSON style of LabelFree's files: snake_case names, indented, enums as strings.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = Create(indented: true);

    /// <summary>Single-line output, for JSON Lines files such as metrics.jsonl.</summary>
    public static readonly JsonSerializerOptions Compact = Create(indented: false);

    private static JsonSerializerOptions Create(bool indented) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = indented,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static void Write<T>(string path, T value) => AtomicFile.WriteAllText(path, Serialize(value) + "\n");

    /// <summary>Reads <paramref name="path"/> as a <typeparamref name="T"/>; a missing or malformed file is a user error.</summary>
    public static T Read<T>(string path)
    {
        Errors.UserInputException.RequireFile(path, "JSON file");
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options)
                   ?? throw new Errors.UserInputException($"{path}: empty JSON document");
        }
        catch (JsonException e)
        {
            throw new Errors.UserInputException($"{path}: not valid JSON for {typeof(T).Name} ({e.Message})", e);
        }
    }
}
