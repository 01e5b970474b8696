using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Hosting;
using Lookalike.Hosting.Ingest;
using Lookalike.Hosting.Reliability;
using Lookalike.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Lookalike.Reliability.Tests;

/// <summary>
/// The per-file decode time limit: a decode that does not return within it is a typed failure naming the file and
/// the run goes on. Time is a <see cref="FakeTimeProvider"/> advanced once the hanging decode has begun, so the
/// tests neither sleep nor depend on the machine's speed.
/// </summary>
public sealed class DecodeTimeoutTests : IDisposable
{
    private static readonly ImageTarget Target = new(224, 224, ResizeMode.CenterCrop);

    private readonly TempDirectory _dir = new();
    private readonly BlockingDecoder _blocking = new(LookalikeComponents.CreateDecoder(new ImageDecoderOptions { DecodeTimeout = TimeSpan.Zero }));
    private readonly FakeTimeProvider _time = new();

    public void Dispose()
    {
        _blocking.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task Index_OneDecodeHangs_TypedFailureNamingTheFile_RestIndexed()
    {
        var photos = _dir.CopySamples(6, "photos");
        string hanging = Path.Combine(_dir.Combine("photos"), $"{BlockingDecoder.HangMarker}.jpg");
        File.Copy(photos[0], hanging);
        var decoderOptions = new ImageDecoderOptions();
        var decoder = new TimeLimitedImageDecoder(_blocking, decoderOptions.DecodeTimeout, _time);
        using var store = LookalikeComponents.OpenStore(_dir.Combine("store"), create: true);
        using var embedder = LookalikeComponents.CreateEmbedder("resnet18");
        // One decode worker (the default): while the hanging file blocks it, no other decode is running, so
        // advancing the clock can expire only that one.
        var pipeline = new IngestPipeline(store, decoder, embedder, new IngestOptions { DecodeWorkers = 1 }, decoderOptions);

        var run = pipeline.RunAsync(new IngestRequest(_dir.Combine("photos"), null, Prune: false));
        await _blocking.Entered.WaitAsync(TimeSpan.FromMinutes(2));
        _time.Advance(decoderOptions.DecodeTimeout);
        var summary = await run.WaitAsync(TimeSpan.FromMinutes(2));

        var failure = Assert.Single(summary.Failures);
        Assert.Equal(hanging, failure.Path);
        Assert.Equal(nameof(LookalikeErrorKind.DecodeTimeout), failure.Kind);
        Assert.Contains(hanging, failure.Message, StringComparison.Ordinal);
        Assert.Contains("decode did not finish within 30 s", failure.Message, StringComparison.Ordinal);
        Assert.Equal(6, summary.Added);
        Assert.Equal(6, store.ReadAll(withVectors: false).Count());
        // The abandoned call still holds its thread: it returns only when the double lets it.
        Assert.Equal(1, _blocking.Blocked);
        Assert.Equal(0, _blocking.Returned);
    }

    [Fact]
    public void Decode_WithinLimit_SameResultAndSameErrorsAsTheInnerDecoder()
    {
        var real = LookalikeComponents.CreateDecoder(new ImageDecoderOptions { DecodeTimeout = TimeSpan.Zero });
        var limited = new TimeLimitedImageDecoder(real, TimeSpan.FromSeconds(30), _time);
        byte[] photo = File.ReadAllBytes(RepositoryPaths.SampleImages()[0]);

        var expected = real.Decode(photo, "a.jpg", Target);
        var actual = limited.Decode(photo, "a.jpg", Target);
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        Assert.Equal(expected.Pixels, actual.Pixels);
        Assert.Equal(real.EncodeThumbnail(photo, "a.jpg", 64), limited.EncodeThumbnail(photo, "a.jpg", 64));

        // Errors pass through unchanged: kind, subject, message.
        byte[] truncated = photo[..(photo.Length / 3)];
        var inner = Record.Exception(() => real.Decode(truncated, "t.jpg", Target));
        var outer = Record.Exception(() => limited.Decode(truncated, "t.jpg", Target));
        Assert.NotNull(inner);
        Assert.Equal(inner.GetType(), outer?.GetType());
        Assert.Equal(inner.Message, outer!.Message);
    }

    [Fact]
    public async Task EncodeThumbnail_Hangs_DecodeTimeoutNamingTheFile()
    {
        var limited = new TimeLimitedImageDecoder(_blocking, TimeSpan.FromSeconds(5), _time);
        byte[] photo = await File.ReadAllBytesAsync(RepositoryPaths.SampleImages()[0]);
        var call = Task.Run(() => limited.EncodeThumbnail(photo, "uploads/hang.jpg", 64));
        await _blocking.Entered.WaitAsync(TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromSeconds(5));
        var e = await Assert.ThrowsAsync<LookalikeException>(() => call.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(LookalikeErrorKind.DecodeTimeout, e.Kind);
        Assert.Equal("uploads/hang.jpg", e.Subject);
        Assert.Contains("did not finish within 5 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryPhoto_ItsDecodeHangs_DecodeTimeoutNamingThePhoto_ViewsOfOtherPhotosAsWithoutTheLimit()
    {
        // A photo query opens the photo once and cuts its views from it (IImageDecoder.Open): the fit that decodes the
        // pixels is time-limited like a decode, and a timed-out photo can be disposed without waiting for the decode.
        var limited = new TimeLimitedImageDecoder(_blocking, TimeSpan.FromSeconds(30), _time);
        byte[] bytes = File.ReadAllBytes(RepositoryPaths.SampleImages()[0]);
        string name = $"{BlockingDecoder.HangMarker}.jpg";

        var photo = limited.Open(bytes, name);
        Assert.True(photo.Width > 0 && photo.Height > 0); // the header was read within the limit
        var fit = Task.Run(() => photo.Fit(Target));
        await _blocking.Entered.WaitAsync(TimeSpan.FromMinutes(2));
        _time.Advance(TimeSpan.FromSeconds(30));
        var ex = await Assert.ThrowsAsync<LookalikeException>(() => fit.WaitAsync(TimeSpan.FromMinutes(2)));
        Assert.Equal(LookalikeErrorKind.DecodeTimeout, ex.Kind);
        Assert.Equal(name, ex.Subject);
        photo.Dispose(); // returns at once: the abandoned fit still holds the inner photo
        Assert.Equal(0, _blocking.Returned);

        using var other = limited.Open(bytes, "a.jpg");
        var real = LookalikeComponents.CreateDecoder(new ImageDecoderOptions { DecodeTimeout = TimeSpan.Zero });
        Assert.Equal(real.Decode(bytes, "a.jpg", Target).Pixels, other.Fit(Target).Pixels);
    }

    [Fact]
    public void CreateDecoder_Default_TimeLimitedAt30Seconds_ZeroDisables()
    {
        var limited = Assert.IsType<TimeLimitedImageDecoder>(LookalikeComponents.CreateDecoder());
        Assert.Equal(TimeSpan.FromSeconds(30), limited.Limit);
        Assert.IsNotType<TimeLimitedImageDecoder>(LookalikeComponents.CreateDecoder(new ImageDecoderOptions { DecodeTimeout = TimeSpan.Zero }));
    }
}
