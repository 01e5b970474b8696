using Lookalike.Core.Learning;
using Lookalike.Core.Vectors;

namespace Lookalike.Core.Tests.Learning;

/// <summary>Every method must pull a class together that the raw space spreads along a nuisance direction.</summary>
public class LearnerTests
{
    private const int Dimension = 16;

    /// <summary>
    /// Classes differ weakly along dims 0–3; every vector also carries a strong random nuisance along dims 4–15, so raw
    /// nearest neighbours are mostly from other classes.
    /// </summary>
    private static (float[] Vectors, int[] Classes) Data(int perClass, int classes, int seed)
    {
        var random = new Random(seed);
        var vectors = new float[perClass * classes * Dimension];
        var labels = new int[perClass * classes];
        for (int c = 0, row = 0; c < classes; c++)
        {
            for (int i = 0; i < perClass; i++, row++)
            {
                var v = vectors.AsSpan(row * Dimension, Dimension);
                v[c % 4] = c < 4 ? 0.6f : -0.6f;
                for (int j = 4; j < Dimension; j++) v[j] = (float)(random.NextDouble() * 2 - 1);
                VectorMath.Normalize(v);
                labels[row] = c;
            }
        }
        return (vectors, labels);
    }

    /// <summary>Fraction of rows whose nearest other row (cosine) has the same class.</summary>
    private static double NearestNeighbourAccuracy(float[] vectors, int[] classes, int dimension)
    {
        int n = classes.Length, right = 0;
        for (int i = 0; i < n; i++)
        {
            int best = -1;
            float bestScore = float.NegativeInfinity;
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                float s = VectorMath.Dot(vectors.AsSpan(i * dimension, dimension), vectors.AsSpan(j * dimension, dimension));
                if (s > bestScore) { bestScore = s; best = j; }
            }
            if (classes[best] == classes[i]) right++;
        }
        return right / (double)n;
    }

    [Theory]
    [InlineData(ProjectionMethod.Head)]
    [InlineData(ProjectionMethod.Lw)]
    [InlineData(ProjectionMethod.Lda)]
    public void Fit_FromClasses_HeldOutNeighboursGetBetter(ProjectionMethod method)
    {
        var (train, trainClasses) = Data(30, 8, seed: 1);
        var (test, testClasses) = Data(30, 8, seed: 2);
        var projection = ProjectionLearner.Fit(LearningSet.FromClasses(train, Dimension, trainClasses), method, new MetricHeadOptions { Epochs = 30, BatchSize = 32, Hidden = 32 });
        double raw = NearestNeighbourAccuracy(test, testClasses, Dimension);
        double learned = NearestNeighbourAccuracy(projection.ApplyAll(test, testClasses.Length), testClasses, projection.OutputDimension);
        Assert.True(learned > raw + 0.2, $"{method}: held-out 1-NN accuracy {learned:0.000} vs raw {raw:0.000}");
        if (method == ProjectionMethod.Lda) Assert.Equal(7, projection.OutputDimension);
    }

    [Theory]
    [InlineData(ProjectionMethod.Head)]
    [InlineData(ProjectionMethod.Lw)]
    public void Fit_FromPairs_HeldOutNeighboursGetBetter(ProjectionMethod method)
    {
        var (train, trainClasses) = Data(30, 8, seed: 3);
        var random = new Random(7);
        var pairs = new List<(int, int)>();
        for (int i = 0; i < trainClasses.Length; i++)
        {
            for (int t = 0; t < 4; t++)
            {
                int j = random.Next(trainClasses.Length);
                if (j != i && trainClasses[j] == trainClasses[i]) pairs.Add((i, j));
                else t--;
            }
        }
        var projection = ProjectionLearner.Fit(LearningSet.FromPairs(train, Dimension, pairs), method, new MetricHeadOptions { Epochs = 30, BatchSize = 32, Hidden = 32 });
        var (test, testClasses) = Data(30, 8, seed: 4);
        double raw = NearestNeighbourAccuracy(test, testClasses, Dimension);
        double learned = NearestNeighbourAccuracy(projection.ApplyAll(test, testClasses.Length), testClasses, projection.OutputDimension);
        Assert.True(learned > raw + 0.2, $"{method}: held-out 1-NN accuracy {learned:0.000} vs raw {raw:0.000}");
    }

    /// <summary>Mean |cos′ − cos| over the pairs of rows: how far a projection moves the rows' geometry.</summary>
    private static double CosineDistortion(float[] raw, float[] mapped, int count, int rawDimension, int mappedDimension)
    {
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < count; i++)
        {
            for (int j = i + 1; j < count; j++, pairs++)
            {
                float before = VectorMath.Dot(raw.AsSpan(i * rawDimension, rawDimension), raw.AsSpan(j * rawDimension, rawDimension));
                float after = VectorMath.Dot(mapped.AsSpan(i * mappedDimension, mappedDimension), mapped.AsSpan(j * mappedDimension, mappedDimension));
                sum += Math.Abs(after - before);
            }
        }
        return sum / pairs;
    }

    [Fact]
    public void Head_KeepGeometry_UnseenClassesMoveLess_SeenStillImprove()
    {
        var (all, allClasses) = Data(30, 8, seed: 11);
        // Classes 0–3 learn; 4–7 are categories the head never sees.
        int seenRows = 30 * 4;
        var train = all[..(seenRows * Dimension)];
        var unseen = all[(seenRows * Dimension)..];
        var set = LearningSet.FromClasses(train, Dimension, allClasses[..seenRows]);
        var options = new MetricHeadOptions { Epochs = 30, BatchSize = 32, Hidden = 32 };
        var free = MetricHead.Train(set, options with { KeepGeometry = 0 });
        var kept = MetricHead.Train(set, options);
        int count = allClasses.Length - seenRows;
        double freeDistortion = CosineDistortion(unseen, free.ApplyAll(unseen, count), count, Dimension, Dimension);
        double keptDistortion = CosineDistortion(unseen, kept.ApplyAll(unseen, count), count, Dimension, Dimension);
        Assert.True(keptDistortion < 0.75 * freeDistortion, $"unseen-class cosines moved {keptDistortion:0.0000} with keep-geometry vs {freeDistortion:0.0000} without");
        var (test, testClasses) = Data(30, 4, seed: 12);
        double raw = NearestNeighbourAccuracy(test, testClasses, Dimension);
        double learned = NearestNeighbourAccuracy(kept.ApplyAll(test, testClasses.Length), testClasses, Dimension);
        Assert.True(learned > raw + 0.15, $"seen classes: held-out 1-NN accuracy {learned:0.000} vs raw {raw:0.000}");
    }

    /// <summary>
    /// Rows whose vectors carry no class at all (pure nuisance), and a readout that does: what the head reads beside the
    /// vector must reach the output, and without it the same head has nothing to learn from.
    /// </summary>
    private static (float[] Vectors, float[] Readout, int[] Classes) ReadoutData(int perClass, int classes, int seed)
    {
        const int readoutDimension = 8;
        var random = new Random(seed);
        var vectors = new float[perClass * classes * Dimension];
        var readout = new float[perClass * classes * readoutDimension];
        var labels = new int[perClass * classes];
        for (int c = 0, row = 0; c < classes; c++)
        {
            for (int i = 0; i < perClass; i++, row++)
            {
                var v = vectors.AsSpan(row * Dimension, Dimension);
                for (int j = 0; j < Dimension; j++) v[j] = (float)(random.NextDouble() * 2 - 1);
                VectorMath.Normalize(v);
                var r = readout.AsSpan(row * readoutDimension, readoutDimension);
                for (int j = 0; j < readoutDimension; j++) r[j] = (float)(random.NextDouble() * 0.4 - 0.2);
                r[c % readoutDimension] += 1f;
                VectorMath.Normalize(r);
                labels[row] = c;
            }
        }
        return (vectors, readout, labels);
    }

    [Fact]
    public void Head_WithReadout_LearnsWhatTheVectorCannotTell()
    {
        var (train, trainReadout, trainClasses) = ReadoutData(30, 6, seed: 21);
        var (test, testReadout, testClasses) = ReadoutData(30, 6, seed: 22);
        var options = new MetricHeadOptions { Epochs = 30, BatchSize = 32, Hidden = 32, Step = 1 };
        var set = LearningSet.FromClasses(train, Dimension, trainClasses);
        var withReadout = MetricHead.Train(set.WithReadout(trainReadout, 8), options);
        var vectorOnly = MetricHead.Train(set, options);
        Assert.Equal(Dimension + 8, withReadout.InputDimension);
        Assert.Equal(Dimension, withReadout.OutputDimension);
        int n = testClasses.Length;
        var joined = new float[n * (Dimension + 8)];
        for (int i = 0; i < n; i++)
        {
            test.AsSpan(i * Dimension, Dimension).CopyTo(joined.AsSpan(i * (Dimension + 8)));
            testReadout.AsSpan(i * 8, 8).CopyTo(joined.AsSpan(i * (Dimension + 8) + Dimension));
        }
        double raw = NearestNeighbourAccuracy(test, testClasses, Dimension);
        double read = NearestNeighbourAccuracy(withReadout.ApplyAll(joined, n), testClasses, Dimension);
        double blind = NearestNeighbourAccuracy(vectorOnly.ApplyAll(test, n), testClasses, Dimension);
        Assert.True(read > raw + 0.4, $"with the readout: held-out 1-NN accuracy {read:0.000} vs raw {raw:0.000}");
        Assert.True(blind < raw + 0.15, $"the vector alone carries no class, yet the head reached {blind:0.000} (raw {raw:0.000})");
        Assert.Throws<ArgumentException>(() => set.WithReadout(trainReadout, 7));
    }

    [Fact]
    public void Head_SameSeed_SameWeights()
    {
        var (train, classes) = Data(10, 4, seed: 5);
        var options = new MetricHeadOptions { Epochs = 3, BatchSize = 16, Hidden = 8, Seed = 9 };
        var a = MetricHead.Train(LearningSet.FromClasses(train, Dimension, classes), options);
        var b = MetricHead.Train(LearningSet.FromClasses(train, Dimension, classes), options);
        Assert.Equal(a.ToBytes(), b.ToBytes());
    }
}
