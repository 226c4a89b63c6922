namespace LabelFree.TestKit;

/// <summary>Trait values. Slow tests (real data, convergence) still run in CI; filter them out locally with
/// <c>dotnet test --filter Category!=Slow</c>.</summary>
public static class Category
{
    public const string Name = "Category";
    public const string Slow = "Slow";
}
