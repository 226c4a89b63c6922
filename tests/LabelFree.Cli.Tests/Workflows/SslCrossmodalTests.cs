using LabelFree.Core.Errors;
using LabelFree.Data.Tiles;
using LabelFree.TestKit;
using LabelFree.Workflows.Ssl;

namespace LabelFree.Cli.Tests.Workflows;

public class SslCrossmodalTests
{
    [Fact]
    public void Retrieval_ranks_own_rows_and_own_images_among_all_keys()
    {
        // Three keys on the axes; images 0 and 1 belong to key 0, image 2 to key 1 (pointing at key 2), image 3 to key 2.
        float[,] rows = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
        float[,] images = { { 1, 0, 0 }, { 0.6f, 0.8f, 0 }, { 0, 0, 1 }, { 0, 0.1f, 0.99f } };
        var scores = SslCrossmodal.Retrieval(images, [0, 0, 1, 2], rows);
        // Image -> row: images 0 and 3 find their own row first; image 1's row 1 is closer than row 0; image 2 points at row 2.
        Assert.Equal(0.5, scores.ImageToRowTop1, 12);
        Assert.Equal(1.0, scores.ImageToRowTop5, 12);
        // Row -> image: row 0's best own image (0) is first; row 1's own image (2) is behind image 1; row 2's own image 3 is behind image 2.
        Assert.Equal(1.0 / 3, scores.RowToImageTop1, 12);
    }

    [Fact]
    public void Chance_is_k_over_rows_one_way_and_hypergeometric_the_other()
    {
        var chance = SslCrossmodal.Chance([0, 0, 1, 2], 3);
        Assert.Equal(1.0 / 3, chance.ImageToRowTop1, 12);
        Assert.Equal(1.0, chance.ImageToRowTop5, 12);
        // Row 0 owns 2 of 4 images: first image is one of them with 1/2; rows 1 and 2 own 1 of 4: 1/4.
        Assert.Equal((0.5 + 0.25 + 0.25) / 3, chance.RowToImageTop1, 12);
    }

    [Fact]
    public void Table_rows_match_images_by_name_or_by_their_source_and_the_split_is_by_key()
    {
        using var folder = new TempFolder();
        var lines = new List<string> { "id\tage\tscore" };
        lines.AddRange(Enumerable.Range(0, 12).Select(i => $"p{i}\t{40 + i}\t{i * 0.5}"));
        File.WriteAllLines(folder["table.tsv"], lines);
        TileImage Image(string id, string? group) => new(id, 1, 2, 2, new float[4]) { Group = group };
        // Two tiles of each person's image, plus one image that has no row.
        var images = Enumerable.Range(0, 12).SelectMany(i => new[] { Image($"p{i}.png@0,0", $"p{i}.png"), Image($"p{i}.png@0,2", $"p{i}.png") })
            .Append(Image("stranger.png", null)).ToList();
        var pairs = CrossmodalPairs.FromTable(images, folder["table.tsv"], 0.25, 7);
        Assert.Equal(24, pairs.Images.Count);
        Assert.Equal(["age", "score"], pairs.Features);
        Assert.Equal(3, pairs.HeldOutKey.Count(h => h));
        var testKeys = pairs.TestImages.Select(i => pairs.KeyOfImage[i]).ToHashSet();
        Assert.Equal(3, testKeys.Count);
        Assert.DoesNotContain(pairs.TrainImages, i => testKeys.Contains(pairs.KeyOfImage[i]));
        Assert.Equal(6, pairs.TestImages.Length);
        Assert.Equal(40 + 5, pairs.Rows[Array.IndexOf(pairs.Keys, "p5"), 0]);
        Assert.Equal("sub-01", CrossmodalPairs.Stem("/data/sub-01.nii.gz"));
    }

    [Fact]
    public void A_table_that_names_no_image_or_has_a_word_for_a_number_is_a_user_mistake()
    {
        using var folder = new TempFolder();
        File.WriteAllLines(folder["t.csv"], ["id,x", "a,1", "b,one"]);
        var error = Assert.Throws<UserInputException>(() => CrossmodalPairs.FromTable([new TileImage("a.png", 1, 2, 2, new float[4])], folder["t.csv"], 0.25, 1));
        Assert.Contains("t.csv:3: column 'x' is 'one'", error.Message);
        File.WriteAllLines(folder["t.csv"], ["id,x", "a,1", "b,2"]);
        error = Assert.Throws<UserInputException>(() => CrossmodalPairs.FromTable([new TileImage("a.png", 1, 2, 2, new float[4])], folder["t.csv"], 0.25, 1));
        Assert.Contains("1 of its 2 rows match an image name", error.Message);
    }
}
