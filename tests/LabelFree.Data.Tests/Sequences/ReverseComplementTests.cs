using LabelFree.Data.Sequences;

namespace LabelFree.Data.Tests.Sequences;

public class ReverseComplementTests
{
    [Theory]
    [InlineData("ACGT", "ACGT")]
    [InlineData("AACCN", "NGGTT")]
    [InlineData("RYKMBVDHSW", "WSDHBVKMRY")]
    [InlineData("acgTn", "nAcgt")]
    [InlineData("", "")]
    public void Complements_iupac_codes_and_keeps_case(string bases, string expected)
    {
        Assert.Equal(expected, ReverseComplement.Of(bases));
        Assert.Equal(bases, ReverseComplement.Of(ReverseComplement.Of(bases)));
    }

    [Fact]
    public void A_record_keeps_its_id_and_mirrors_its_soft_masked_runs()
    {
        var record = SequenceRecord.FromText("r", "aaCGTt");
        var reverse = ReverseComplement.Of(record);
        Assert.Equal("r", reverse.Id);
        Assert.Equal("AACGTT", reverse.Text);
        Assert.Equal("aACGtt", reverse.SoftMaskedText());
        Assert.Equal(record.SoftMaskedText(), ReverseComplement.Of(reverse).SoftMaskedText());
    }
}
