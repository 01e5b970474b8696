using Lookalike.Core.Retrieval;

namespace Lookalike.Core.Learning;

/// <summary>
/// The closed-form linear methods. Both whiten the scatter of things that should look alike (C_S) and then rotate to
/// the directions along which the spread to keep (C_D) is largest in that whitened space:
/// <c>W = Vᵀ C_S^-½</c>, V the eigenvectors of <c>C_S^-½ C_D C_S^-½</c>. Learned whitening (Lw, Radenović, Tolias &amp;
/// Chum 2018) takes C_S from positive pairs (or classes) and C_D as the covariance of all vectors, keeping every
/// dimension; LDA takes C_D as the between-class scatter and keeps C−1 dimensions.
/// </summary>
public static class DiscriminantWhitening
{
    /// <summary>Shrinkage of C_S toward a sphere before it is inverted (fraction of its mean eigenvalue).</summary>
    public const double DefaultShrinkage = 0.1;

    /// <exception cref="ArgumentException">LDA over pairs (it needs classes).</exception>
    public static Projection Fit(LearningSet set, ProjectionMethod method, double shrinkage = DefaultShrinkage)
    {
        ArgumentNullException.ThrowIfNull(set);
        int n = set.Count, d = set.Dimension;
        var mean = Mean(set.Vectors, n, d);
        double[] positive, spread;
        int output = d;
        if (set.Classes is { } classes)
        {
            var classMeans = new double[set.ClassCount * d];
            var counts = new int[set.ClassCount];
            for (int r = 0; r < n; r++)
            {
                counts[classes[r]]++;
                var row = set.Row(r);
                for (int j = 0; j < d; j++) classMeans[classes[r] * d + j] += row[j];
            }
            for (int c = 0; c < set.ClassCount; c++)
                for (int j = 0; j < d; j++) classMeans[c * d + j] /= Math.Max(counts[c], 1);
            var within = new float[(long)n * d];
            for (int r = 0; r < n; r++)
                for (int j = 0; j < d; j++) within[(long)r * d + j] = set.Vectors[(long)r * d + j] - (float)classMeans[classes[r] * d + j];
            positive = Scatter.Of(within, n, d);
            if (method == ProjectionMethod.Lda)
            {
                var between = new float[set.ClassCount * d];
                var weights = new float[set.ClassCount];
                for (int c = 0; c < set.ClassCount; c++)
                {
                    weights[c] = counts[c];
                    for (int j = 0; j < d; j++) between[c * d + j] = (float)(classMeans[c * d + j] - mean[j]);
                }
                spread = Scatter.Of(between, set.ClassCount, d, weights);
                output = Math.Min(d, set.ClassCount - 1);
            }
            else spread = Centred(set.Vectors, n, d, mean);
        }
        else
        {
            if (method == ProjectionMethod.Lda) throw new ArgumentException("LDA needs classes; learn from pairs with lw or head.", nameof(method));
            var differences = new float[(long)set.Pairs.Count * d];
            for (int p = 0; p < set.Pairs.Count; p++)
            {
                var a = set.Row(set.Pairs[p].A);
                var b = set.Row(set.Pairs[p].B);
                // (x_a − x_b)/√2, so that C_S is on the scale of a within-class covariance.
                for (int j = 0; j < d; j++) differences[(long)p * d + j] = (a[j] - b[j]) * MathF.Sqrt(0.5f);
            }
            positive = Scatter.Of(differences, set.Pairs.Count, d);
            spread = Centred(set.Vectors, n, d, mean);
        }
        Scatter.Shrink(positive, d, shrinkage);
        var weightsOut = Solve(positive, spread, d, output);
        return Projection.Linear(d, output, weightsOut, mean);
    }

    private static float[] Mean(float[] rows, int n, int d)
    {
        var sum = new double[d];
        for (int r = 0; r < n; r++)
            for (int j = 0; j < d; j++) sum[j] += rows[(long)r * d + j];
        return sum.Select(s => (float)(s / Math.Max(n, 1))).ToArray();
    }

    private static double[] Centred(float[] rows, int n, int d, float[] mean)
    {
        var centred = new float[(long)n * d];
        for (int r = 0; r < n; r++)
            for (int j = 0; j < d; j++) centred[(long)r * d + j] = rows[(long)r * d + j] - mean[j];
        return Scatter.Of(centred, n, d);
    }

    /// <summary>Rows of <c>Vᵀ C_S^-½</c> for the <paramref name="output"/> largest eigenvalues, output×d row-major.</summary>
    private static float[] Solve(double[] positive, double[] spread, int d, int output)
    {
        var (values, vectors) = SymmetricEigen.Decompose(positive, d);
        double floor = Math.Max(values[0], 1e-30) * 1e-9;
        // C_S^-½ = U diag(λ^-½) Uᵀ, symmetric.
        var inverseRoot = new double[d * d];
        var scaled = new double[d][];
        for (int k = 0; k < d; k++)
        {
            double s = 1 / Math.Sqrt(Math.Max(values[k], floor));
            scaled[k] = vectors[k].Select(v => v * s).ToArray();
        }
        Parallel.For(0, d, i =>
        {
            for (int j = 0; j < d; j++)
            {
                double sum = 0;
                for (int k = 0; k < d; k++) sum += scaled[k][i] * vectors[k][j];
                inverseRoot[i * d + j] = sum;
            }
        });
        var rotated = Multiply(Multiply(inverseRoot, spread, d), inverseRoot, d);
        var (_, directions) = SymmetricEigen.Decompose(rotated, d);
        var result = new float[output * d];
        Parallel.For(0, output, o =>
        {
            for (int j = 0; j < d; j++)
            {
                double sum = 0;
                for (int k = 0; k < d; k++) sum += directions[o][k] * inverseRoot[k * d + j];
                result[o * d + j] = (float)sum;
            }
        });
        return result;
    }

    private static double[] Multiply(double[] a, double[] b, int d)
    {
        var result = new double[d * d];
        Parallel.For(0, d, i =>
        {
            var row = result.AsSpan(i * d, d);
            for (int k = 0; k < d; k++)
            {
                double aik = a[i * d + k];
                if (aik == 0) continue;
                var bk = b.AsSpan(k * d, d);
                for (int j = 0; j < d; j++) row[j] += aik * bk[j];
            }
        });
        return result;
    }
}
