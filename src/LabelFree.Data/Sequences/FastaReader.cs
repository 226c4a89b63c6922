using System.Text;
using LabelFree.Core.Errors;

namespace LabelFree.Data.Sequences;

/// <summary>
/// Reads FASTA files, plain or gzipped, with any number of records and any line width. A header is <c>&gt;id
/// description</c>; sequence lines hold IUPAC codes in either case (lower case is kept as soft-masked runs, see
/// <see cref="SequenceRecord"/>), N and other ambiguity codes are kept; spaces, tabs, carriage returns and empty lines
/// are ignored. Anything else, sequence before the first header, or a header without an id, is a
/// <see cref="UserInputException"/> naming the file and line.
/// <para>The file is read as a stream of bytes: memory grows with the sequences actually read (one byte per base, plus
/// one growing buffer for the current record), never with a size the file claims.</para>
/// </summary>
public static class FastaReader
{
    private const int MaxHeaderBytes = 1 << 20;

    /// <summary>All records of <paramref name="path"/>; a file without any record is a user error.</summary>
    public static IReadOnlyList<SequenceRecord> Read(string path)
    {
        var records = ReadRecords(path).ToList();
        if (records.Count == 0) throw new UserInputException($"{path}: no FASTA records (no line starting with '>')");
        return records;
    }

    /// <summary>Whether <paramref name="path"/> (plain or gzipped) starts, after blank space, with a '>' header.</summary>
    public static bool IsFasta(string path)
    {
        using var stream = SequenceFile.Open(path, "sequence file");
        int b;
        while ((b = stream.ReadByte()) is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') { }
        return b == '>';
    }

    /// <summary>The records of <paramref name="path"/> one at a time, for files too large to hold.</summary>
    public static IEnumerable<SequenceRecord> ReadRecords(string path)
    {
        using var stream = SequenceFile.Open(path, "FASTA file");
        var parser = new Parser(path);
        var buffer = new byte[1 << 16];
        while (true)
        {
            int count;
            try
            {
                count = stream.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw new UserInputException($"{path}:{parser.Line}: corrupt gzip data ({e.Message})", e);
            }
            if (count == 0) break;
            for (var i = 0; i < count; i++)
                if (parser.Feed(buffer[i]) is { } record) yield return record;
        }
        if (parser.Finish() is { } last) yield return last;
    }

    /// <summary>A byte-at-a-time state machine: header lines, sequence lines and the record they build.</summary>
    private sealed class Parser(string path)
    {
        private readonly List<byte> _header = [];
        private readonly List<Interval> _runs = [];
        private byte[] _bases = new byte[1 << 12];
        private int _length;
        private int _runStart = -1;
        private bool _atLineStart = true;
        private bool _inHeader;
        private (string Id, string Description)? _current;

        public int Line { get; private set; } = 1;

        public SequenceRecord? Feed(byte b)
        {
            if (b == (byte)'\n')
            {
                if (_inHeader) EndHeader();
                Line++;
                _atLineStart = true;
                return null;
            }
            if (_inHeader)
            {
                if (_header.Count >= MaxHeaderBytes) throw new UserInputException($"{path}:{Line}: header longer than {MaxHeaderBytes} bytes");
                _header.Add(b);
                return null;
            }
            if (b is (byte)'\r' or (byte)' ' or (byte)'\t') return null;
            if (_atLineStart && b == (byte)'>')
            {
                var finished = Finish();
                _inHeader = true;
                _atLineStart = false;
                return finished;
            }
            _atLineStart = false;
            if (_current is null)
                throw new UserInputException($"{path}:{Line}: sequence data before the first '>' header (is this a FASTA file?)");
            var code = NucleotideCodes.Normalize(b);
            if (code == 0)
                throw new UserInputException($"{path}:{Line}: {Describe(b)} is not a nucleotide code (IUPAC A C G T U N R Y S W K M B D H V) in record '{_current.Value.Id}'");
            Append(code, lower: b is >= (byte)'a' and <= (byte)'z');
            return null;
        }

        /// <summary>The record being read, if any; called at a new header and at the end of the file.</summary>
        public SequenceRecord? Finish()
        {
            if (_inHeader) EndHeader();
            if (_current is not { } header) return null;
            if (_runStart >= 0) _runs.Add(new Interval(_runStart, _length));
            var record = new SequenceRecord(header.Id, header.Description, _bases.AsSpan(0, _length).ToArray(), _runs.ToArray());
            _current = null;
            _length = 0;
            _runStart = -1;
            _runs.Clear();
            return record;
        }

        private void EndHeader()
        {
            _inHeader = false;
            var text = Encoding.UTF8.GetString(_header.ToArray()).TrimEnd('\r').Trim();
            _header.Clear();
            var space = text.IndexOfAny([' ', '\t']);
            var id = space < 0 ? text : text[..space];
            if (id.Length == 0) throw new UserInputException($"{path}:{Line}: header '>' without a sequence id");
            _current = (id, space < 0 ? "" : text[(space + 1)..].Trim());
        }

        private void Append(byte code, bool lower)
        {
            if (_length == _bases.Length)
            {
                if (_length == Array.MaxLength)
                    throw new UserInputException($"{path}:{Line}: record '{_current!.Value.Id}' is longer than {Array.MaxLength} bases, which LabelFree cannot hold");
                Array.Resize(ref _bases, (int)Math.Min(Array.MaxLength, 2L * _bases.Length));
            }
            if (lower && _runStart < 0) _runStart = _length;
            if (!lower && _runStart >= 0)
            {
                _runs.Add(new Interval(_runStart, _length));
                _runStart = -1;
            }
            _bases[_length++] = code;
        }

        private static string Describe(byte b) => b is >= 0x21 and < 0x7f ? $"'{(char)b}'" : $"byte 0x{b:X2}";
    }
}
