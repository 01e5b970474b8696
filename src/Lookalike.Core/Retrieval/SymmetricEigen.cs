namespace Lookalike.Core.Retrieval;

/// <summary>
/// Eigen-decomposition of a real symmetric matrix by cyclic Jacobi rotations: slow (O(n³) per sweep, a few sweeps)
/// but simple and accurate; for the 512×512 covariance of PCA-whitening it takes seconds, once per fit.
/// </summary>
public static class SymmetricEigen
{
    /// <summary>
    /// Eigenvalues (descending) and eigenvectors of the symmetric <paramref name="n"/>×<paramref name="n"/> row-major
    /// <paramref name="matrix"/> (not modified). <c>Vectors[i]</c> is the unit eigenvector of <c>Values[i]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The matrix is not n×n.</exception>
    public static (double[] Values, double[][] Vectors) Decompose(ReadOnlySpan<double> matrix, int n, int maxSweeps = 60)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        if (matrix.Length != n * n) throw new ArgumentException($"Expected {n}×{n} values, got {matrix.Length}.", nameof(matrix));
        // Rows of a (symmetric, kept full) and rows of vᵀ (row i = eigenvector i) as jagged arrays: every rotation
        // touches two rows of each, contiguous.
        var a = new double[n][];
        var vt = new double[n][];
        for (int i = 0; i < n; i++)
        {
            a[i] = matrix.Slice(i * n, n).ToArray();
            vt[i] = new double[n];
            vt[i][i] = 1;
        }
        double total = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) total += a[i][j] * a[i][j];
        for (int sweep = 0; sweep < maxSweeps; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++) for (int q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
            if (off <= 1e-26 * total || off == 0) break;
            for (int p = 0; p < n - 1; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p][q];
                    if (Math.Abs(apq) <= 1e-300) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * apq);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    // A ← Jᵀ A J: rows p and q, then columns p and q.
                    double[] rp = a[p], rq = a[q];
                    for (int k = 0; k < n; k++)
                    {
                        double x = rp[k], y = rq[k];
                        rp[k] = c * x - s * y;
                        rq[k] = s * x + c * y;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double[] rk = a[k];
                        double x = rk[p], y = rk[q];
                        rk[p] = c * x - s * y;
                        rk[q] = s * x + c * y;
                    }
                    double[] vp = vt[p], vq = vt[q];
                    for (int k = 0; k < n; k++)
                    {
                        double x = vp[k], y = vq[k];
                        vp[k] = c * x - s * y;
                        vq[k] = s * x + c * y;
                    }
                }
            }
        }
        var order = Enumerable.Range(0, n).OrderByDescending(i => a[i][i]).ToArray();
        return (order.Select(i => a[i][i]).ToArray(), order.Select(i => vt[i]).ToArray());
    }
}
