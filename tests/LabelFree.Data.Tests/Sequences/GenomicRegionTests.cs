using LabelFree.Data.Sequences;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Sequences;

public class GenomicRegionTests
{
    [Fact]
    public void Regions_are_parsed_from_ucsc_descriptions()
    {
        Assert.Equal(new GenomicRegion("chr2L", 16764737, 16766736), GenomicRegion.Parse("chr2L:16764737-16766736"));
        Assert.Equal(new GenomicRegion("chr3R", -1646, 353), GenomicRegion.Parse("chr3R:-1646-353"));
        Assert.Equal(new GenomicRegion("chrX", 5, 9), GenomicRegion.Parse("promoter chrX:5-9 strand +"));
        Assert.Null(GenomicRegion.Parse("NM_164313_up_2000_chr3R_-1646_f"));
        Assert.Null(GenomicRegion.Parse("chr1:9-5"));
    }

    [Fact]
    public void Overlapping_regions_share_a_group_and_the_split_keeps_groups_whole()
    {
        SequenceRecord Record(string id, string description) => new(id, description, [], []);
        var records = new[]
        {
            Record("a", "chr1:100-200"), Record("b", "chr1:150-300"), Record("c", "chr1:300-400"),  // a-b-c chained
            Record("d", "chr1:401-500"), Record("e", "chr2:100-200"), Record("f", "no region"), Record("g", "chr1:401-500"),
        };
        var groups = GenomicRegion.OverlapGroups(records);
        Assert.Equal(["chr1#0", "chr1#0", "chr1#0", "chr1#1", "chr2#0", "record:f", "chr1#1"], groups);
        for (var seed = 0; seed < 20; seed++)
        {
            var split = RecordSplit.HoldOutGroups(groups, 0.3, seed);
            Assert.Equal(Enumerable.Range(0, 7), split.Train.Concat(split.HeldOut).Order());
            Assert.True(split.HeldOut.Length >= 2 && split.Train.Length > 0);
            Assert.All(split.HeldOut, i => Assert.DoesNotContain(groups[i], split.Train.Select(t => groups[t])));
        }
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void The_dm3_upstream_records_share_regions()
    {
        var records = FastaReader.Read(RepoData.File("sequences/dm3_upstream2000.fa.gz"));
        Assert.All(records, r => Assert.NotNull(GenomicRegion.Of(r)));
        Assert.Equal(17_295, records.Select(r => r.Description).Distinct().Count());
        var groups = GenomicRegion.OverlapGroups(records);
        var split = RecordSplit.HoldOutGroups(groups, 0.1, seed: 1);
        Assert.InRange(split.HeldOut.Length, 2645, 2700);
        Assert.Empty(split.HeldOut.Select(i => groups[i]).Intersect(split.Train.Select(i => groups[i])));
    }
}
