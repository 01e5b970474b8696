using Lookalike.Core.Errors;
using Lookalike.Core.Vectors;

namespace Lookalike.Core.Tests.Vectors;

public class NpyFormatTests
{
    [Fact]
    public void WriteThenRead_RoundTripsMatrix()
    {
        var stream = new MemoryStream();
        NpyFormat.WriteHeader(stream, 3, 5);
        for (int r = 0; r < 3; r++) NpyFormat.WriteRow(stream, Enumerable.Range(0, 5).Select(c => r * 10f + c).ToArray());
        Assert.Equal(0, (stream.Length - 3 * 5 * 4) % 64); // header padded to 64 bytes as numpy does
        stream.Position = 0;
        var (rows, dim, data) = NpyFormat.Read(stream, "m.npy");
        Assert.Equal((3, 5), (rows, dim));
        Assert.Equal(23f, data[2 * 5 + 3]);
    }

    [Fact]
    public void Read_HeaderWrittenByNumpy_IsAccepted()
    {
        // Exactly what numpy 1.x writes for np.zeros((2, 3), np.float32).
        string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        var header = dict.PadRight(128 - 10 - 1) + "\n";
        var stream = new MemoryStream();
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0]);
        stream.Write(System.Text.Encoding.ASCII.GetBytes(header));
        stream.Write(new byte[24]);
        stream.Position = 0;
        Assert.Equal(6, NpyFormat.Read(stream, "z.npy").Data.Length);
    }

    [Theory]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", "float32")]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", "fortran")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", "shape")]
    public void Read_UnsupportedHeader_NamesFileAndProblem(string dict, string expected)
    {
        var header = dict.PadRight(128 - 10 - 1) + "\n";
        var stream = new MemoryStream();
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0]);
        stream.Write(System.Text.Encoding.ASCII.GetBytes(header));
        stream.Position = 0;
        var e = Assert.Throws<LookalikeException>(() => NpyFormat.Read(stream, "bad.npy"));
        Assert.Contains("bad.npy", e.Message);
        Assert.Contains(expected, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Read_TruncatedData_Fails()
    {
        var stream = new MemoryStream();
        NpyFormat.WriteHeader(stream, 4, 4);
        stream.Write(new byte[10]);
        stream.Position = 0;
        Assert.Throws<LookalikeException>(() => NpyFormat.Read(stream, "t.npy"));
    }
}
