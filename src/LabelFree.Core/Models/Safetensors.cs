using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using static TorchSharp.torch;

namespace LabelFree.Core.Models;

/// <summary>
/// Reads and writes the safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header naming
/// each tensor's dtype, shape and byte range, then the raw little-endian, C-contiguous data. PyTorch users read
/// LabelFree weights with <c>safetensors.torch.load_file</c>.
/// </summary>
public static class Safetensors
{
    private const long MaxHeaderBytes = 100 * 1024 * 1024;

    private static readonly Dictionary<ScalarType, string> DtypeNames = new()
    {
        [ScalarType.Float32] = "F32",
        [ScalarType.Float64] = "F64",
        [ScalarType.Float16] = "F16",
        [ScalarType.BFloat16] = "BF16",
        [ScalarType.Int64] = "I64",
        [ScalarType.Int32] = "I32",
        [ScalarType.Int16] = "I16",
        [ScalarType.Int8] = "I8",
        [ScalarType.Byte] = "U8",
        [ScalarType.Bool] = "BOOL",
    };

    private static readonly Dictionary<string, ScalarType> DtypesByName = DtypeNames.ToDictionary(kv => kv.Value, kv => kv.Key);

    private static int BytesOf(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };

    /// <summary>Writes <paramref name="tensors"/> (any device) to <paramref name="path"/>, atomically, in name order.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var scope = NewDisposeScope();
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (key, value) in metadata) meta[key] = value;
            header["__metadata__"] = meta;
        }
        var blobs = new List<byte[]>(names.Count);
        long offset = 0;
        foreach (var name in names)
        {
            var tensor = tensors[name].detach().cpu().contiguous();
            if (!DtypeNames.TryGetValue(tensor.dtype, out var dtype))
                throw new NotSupportedException($"safetensors: tensor {name} has unsupported dtype {tensor.dtype}");
            var bytes = tensor.bytes.ToArray();
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            offset += bytes.Length;
            blobs.Add(bytes);
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (headerBytes.Length + 7) / 8 * 8;  // the data starts 8-byte aligned
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(headerBytes);
            for (var i = headerBytes.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var blob in blobs) stream.Write(blob);
        });
    }

    /// <summary>Reads every tensor of <paramref name="path"/> onto the CPU. A malformed file is a user error naming it.</summary>
    public static Dictionary<string, Tensor> Load(string path)
    {
        UserInputException.RequireFile(path, "safetensors file");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw Bad(path, "shorter than its 8-byte header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > bytes.Length - 8) throw Bad(path, $"header length {headerLength} exceeds the file");
        var dataStart = 8 + (int)headerLength;

        JsonObject header;
        try
        {
            header = JsonNode.Parse(bytes.AsSpan(8, (int)headerLength))?.AsObject() ?? throw Bad(path, "empty header");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw Bad(path, $"header is not JSON, or not a JSON object ({e.Message})");
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__" || node is not JsonObject entry) continue;
                var dtypeName = entry["dtype"]?.GetValue<string>() ?? throw Bad(path, $"{name}: no dtype");
                if (!DtypesByName.TryGetValue(dtypeName, out var dtype)) throw Bad(path, $"{name}: unsupported dtype {dtypeName}");
                var shape = entry["shape"]?.AsArray().Select(d => d!.GetValue<long>()).ToArray() ?? throw Bad(path, $"{name}: no shape");
                var offsets = entry["data_offsets"]?.AsArray().Select(d => d!.GetValue<long>()).ToArray() ?? throw Bad(path, $"{name}: no data_offsets");
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || dataStart + offsets[1] > bytes.Length)
                    throw Bad(path, $"{name}: data_offsets outside the file");
                // The shape is checked against the byte range before anything of its size is allocated.
                var bytesOfShape = shape.Aggregate((double)BytesOf(dtype), (n, d) => d < 0 ? double.NaN : n * d);
                if (!(bytesOfShape == offsets[1] - offsets[0])) throw Bad(path, $"{name}: shape [{string.Join(", ", shape)}] and byte range disagree");
                var tensor = empty(shape, dtype);
                tensor.bytes = bytes.AsSpan(dataStart + (int)offsets[0], (int)(offsets[1] - offsets[0]));
                result[name] = tensor;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            // ArgumentException: a tensor name twice in the header (found by fuzzing; JsonObject refuses duplicate keys).
            foreach (var tensor in result.Values) tensor.Dispose();
            throw Bad(path, $"header entry malformed ({e.Message})");
        }
        catch (UserInputException)
        {
            foreach (var tensor in result.Values) tensor.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>The free-text metadata stored in the header, if any.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> length = stackalloc byte[8];
        stream.ReadExactly(length);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(length);
        if (headerLength > MaxHeaderBytes) throw Bad(path, "header too large");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var meta = JsonNode.Parse(header)?["__metadata__"]?.AsObject();
        return meta?.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "") ?? new Dictionary<string, string>();
    }

    private static UserInputException Bad(string path, string problem) => new($"{path}: not a valid safetensors file: {problem}");
}
