namespace Lookalike.TestKit;

/// <summary>A fresh folder per test under the system temp folder, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lookalike-tests", Guid.NewGuid().ToString("N"));

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Copies the first <paramref name="count"/> sample photos into <paramref name="subfolder"/>.</summary>
    public IReadOnlyList<string> CopySamples(int count, string subfolder = "images")
    {
        string target = Combine(subfolder);
        Directory.CreateDirectory(target);
        var copied = new List<string>();
        foreach (string source in RepositoryPaths.SampleImages().Take(count))
        {
            string destination = System.IO.Path.Combine(target, System.IO.Path.GetFileName(source));
            File.Copy(source, destination);
            copied.Add(destination);
        }
        return copied;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
