using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;

namespace Lookalike.Core.Learning;

/// <summary>
/// A small metric-learning head trained by minibatch SGD (Adam) on the CPU:
/// <c>y = normalise(x + W₂·relu(W₁x + b₁) + b₂)</c>. The residual starts it at the raw space (W₂ ≈ 0), so what it
/// learns is a correction, which keeps categories it never saw close to where they were. From classes it minimises
/// normalised-softmax cross-entropy against one learned proxy per class (Zhai &amp; Wu 2018; proxies start at the class
/// means), plus a term that keeps each pair of a batch at its raw cosine (<see cref="MetricHeadOptions.KeepGeometry"/>);
/// from pairs, symmetric InfoNCE with the other pairs of the batch as negatives. Where the set carries a readout
/// (<see cref="LearningSet.Readout"/>), the first layer reads <c>[x, readout]</c> while the residual stays <c>x</c>, so the
/// projection takes the two together. Deterministic for a seed.
/// </summary>
public static class MetricHead
{
    /// <exception cref="ArgumentException">Options out of range.</exception>
    public static Projection Train(LearningSet set, MetricHeadOptions options, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Hidden is < 1 or > 8192) throw new ArgumentException($"Hidden units must be 1–8192; got {options.Hidden}.", nameof(options));
        if (options.Epochs is < 1 or > 10000) throw new ArgumentException($"Epochs must be 1–10000; got {options.Epochs}.", nameof(options));
        if (options.BatchSize is < 2 or > 65536) throw new ArgumentException($"Batch size must be 2–65536; got {options.BatchSize}.", nameof(options));
        if (options.Step is { } step && !(step > 0 && step <= 1)) throw new ArgumentException($"Step must be above 0 and at most 1; got {step}.", nameof(options));
        if (!(options.KeepGeometry >= 0 && float.IsFinite(options.KeepGeometry))) throw new ArgumentException($"Keep-geometry weight must be 0 or more; got {options.KeepGeometry}.", nameof(options));
        var trainer = new Trainer(set, options);
        return trainer.Run(progress);
    }

    private sealed class Trainer
    {
        private readonly LearningSet _set;
        private readonly MetricHeadOptions _options;
        private readonly int _d, _h, _in; // vector, hidden and first-layer input widths (_in = _d + readout)
        private readonly Random _random;
        private readonly float[] _w1, _b1, _w2, _b2;
        private readonly float[] _dW1, _dB1, _dW2, _dB2; // the gradients of one step, reused: W₁'s is 20 MB with regions
        private readonly Vectors.PackedProduct _layer1 = new(), _layer2 = new();
        private readonly float[]? _proxies; // C×D, unnormalised
        private readonly Adam _adam;

        public Trainer(LearningSet set, MetricHeadOptions options)
        {
            _set = set;
            _options = options;
            _d = set.Dimension;
            _h = options.Hidden;
            _in = _d + set.ReadoutDimension;
            _random = new Random(options.Seed);
            _w1 = Gaussian(_h * _in, MathF.Sqrt(2f / _in));
            _b1 = new float[_h];
            _w2 = Gaussian(_d * _h, 0.01f / MathF.Sqrt(_h));
            _b2 = new float[_d];
            (_dW1, _dB1, _dW2, _dB2) = (new float[_w1.Length], new float[_h], new float[_w2.Length], new float[_d]);
            if (set.Classes is { } classes)
            {
                _proxies = new float[set.ClassCount * _d];
                for (int r = 0; r < set.Count; r++) TensorPrimitives.Add(_proxies.AsSpan(classes[r] * _d, _d), set.Row(r), _proxies.AsSpan(classes[r] * _d, _d));
                for (int c = 0; c < set.ClassCount; c++) Vectors.VectorMath.Normalize(_proxies.AsSpan(c * _d, _d));
            }
            _adam = new Adam(options.LearningRate, options.WeightDecay);
        }

        public Projection Run(IProgress<string>? progress)
        {
            var watch = Stopwatch.StartNew();
            int units = _set.Classes is not null ? _set.Count : _set.Pairs.Count;
            var order = Enumerable.Range(0, units).ToArray();
            int batch = Math.Min(_options.BatchSize, units);
            int epochs = _options.EpochsFor(_set);
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                _random.Shuffle(order);
                double loss = 0;
                int steps = 0;
                for (int start = 0; start + batch <= units || (start == 0 && units > 0); start += batch)
                {
                    var slice = order.AsSpan(start, Math.Min(batch, units - start));
                    if (slice.Length < 2) break;
                    loss += _set.Classes is not null ? ProxyStep(slice) : PairStep(slice);
                    steps++;
                }
                progress?.Report($"epoch {epoch + 1}/{epochs}: loss {loss / Math.Max(steps, 1):0.0000}");
                if (_options.TimeLimitSeconds > 0 && watch.Elapsed.TotalSeconds > _options.TimeLimitSeconds) break;
            }
            // The step scales the head's output layer: the same correction, applied partly.
            float step = _options.Step ?? (_set.Classes is not null ? MetricHeadOptions.DefaultStepFromClasses : MetricHeadOptions.DefaultStepFromPairs);
            return new Projection(
            [
                new ProjectionLayer(_in, _h, _w1, _b1, Relu: true),
                new ProjectionLayer(_h, _d, _w2.Select(w => w * step).ToArray(), _b2.Select(b => b * step).ToArray(), Relu: false),
            ], residual: true);
        }

        private float[] Gaussian(int length, float std)
        {
            var values = new float[length];
            for (int i = 0; i < length; i += 2)
            {
                double u1 = 1 - _random.NextDouble(), u2 = _random.NextDouble();
                double radius = Math.Sqrt(-2 * Math.Log(u1));
                values[i] = (float)(radius * Math.Cos(2 * Math.PI * u2) * std);
                if (i + 1 < length) values[i + 1] = (float)(radius * Math.Sin(2 * Math.PI * u2) * std);
            }
            return values;
        }

        /// <summary>One step of normalised-softmax over the class proxies; returns the mean loss.</summary>
        private double ProxyStep(ReadOnlySpan<int> rows)
        {
            int b = rows.Length, c = _set.ClassCount;
            var batch = Forward(rows);
            float scale = 1f / _options.Temperature;
            var proxies = new float[c * _d];
            var proxyNorms = new float[c];
            for (int k = 0; k < c; k++)
            {
                proxyNorms[k] = MathF.Max(TensorPrimitives.Norm(_proxies.AsSpan(k * _d, _d)), 1e-12f);
                TensorPrimitives.Divide(_proxies.AsSpan(k * _d, _d), proxyNorms[k], proxies.AsSpan(k * _d, _d));
            }
            var dLogits = new float[b * c];
            double loss = 0;
            for (int s = 0; s < b; s++)
            {
                var logits = dLogits.AsSpan(s * c, c);
                var y = batch.Y.AsSpan(s * _d, _d);
                for (int k = 0; k < c; k++) logits[k] = scale * TensorPrimitives.Dot(y, proxies.AsSpan(k * _d, _d));
                int target = _set.Classes![rows[s]];
                loss += SoftmaxCrossEntropy(logits, target) / b;
            }
            // dY = scale·Σ_c dlogit_c p̂_c; dp̂_c = scale·Σ_s dlogit_sc y_s.
            var dY = new float[b * _d];
            var dProxyUnit = new float[c * _d];
            for (int s = 0; s < b; s++)
            {
                for (int k = 0; k < c; k++)
                {
                    float g = dLogits[s * c + k] * scale / b;
                    if (g == 0) continue;
                    TensorPrimitives.MultiplyAdd(proxies.AsSpan(k * _d, _d), g, dY.AsSpan(s * _d, _d), dY.AsSpan(s * _d, _d));
                    TensorPrimitives.MultiplyAdd(batch.Y.AsSpan(s * _d, _d), g, dProxyUnit.AsSpan(k * _d, _d), dProxyUnit.AsSpan(k * _d, _d));
                }
            }
            if (_options.KeepGeometry > 0) loss += KeepGeometry(rows, batch, dY);
            var dProxies = new float[c * _d];
            for (int k = 0; k < c; k++)
                ThroughNormalisation(proxies.AsSpan(k * _d, _d), proxyNorms[k], dProxyUnit.AsSpan(k * _d, _d), dProxies.AsSpan(k * _d, _d));
            Backward(batch, dY);
            _adam.Step("proxies", _proxies!, dProxies, rateScale: 10f, decay: false);
            return loss;
        }

        /// <summary>
        /// Adds <c>λ · mean over the batch's pairs of (y_i·y_j − x_i·x_j)²</c> to the loss and its gradient to
        /// <paramref name="dY"/>: the head keeps every pair's raw cosine unless the labels pay for changing it, so the
        /// directions that tell apart categories it never saw survive (docs/evaluation.md, "Learned", round 2).
        /// </summary>
        private double KeepGeometry(ReadOnlySpan<int> rows, Batch batch, float[] dY)
        {
            int b = rows.Length;
            double pairs = b * (b - 1) / 2.0, loss = 0;
            float lambda = _options.KeepGeometry;
            for (int i = 0; i < b; i++)
            {
                var xi = _set.Row(rows[i]);
                var yi = batch.Y.AsSpan(i * _d, _d);
                for (int j = i + 1; j < b; j++)
                {
                    var yj = batch.Y.AsSpan(j * _d, _d);
                    float difference = TensorPrimitives.Dot(yi, yj) - TensorPrimitives.Dot(xi, _set.Row(rows[j]));
                    loss += lambda * difference * difference / pairs;
                    float g = (float)(2 * lambda * difference / pairs);
                    TensorPrimitives.MultiplyAdd(yj, g, dY.AsSpan(i * _d, _d), dY.AsSpan(i * _d, _d));
                    TensorPrimitives.MultiplyAdd(yi, g, dY.AsSpan(j * _d, _d), dY.AsSpan(j * _d, _d));
                }
            }
            return loss;
        }

        /// <summary>One step of symmetric InfoNCE over a batch of positive pairs; returns the mean loss.</summary>
        private double PairStep(ReadOnlySpan<int> pairIndices)
        {
            int b = pairIndices.Length;
            var rows = new int[2 * b];
            for (int i = 0; i < b; i++)
            {
                rows[i] = _set.Pairs[pairIndices[i]].A;
                rows[b + i] = _set.Pairs[pairIndices[i]].B;
            }
            var batch = Forward(rows);
            float scale = 1f / _options.Temperature;
            var logits = new float[b * b];
            for (int i = 0; i < b; i++)
                for (int j = 0; j < b; j++)
                    logits[i * b + j] = scale * TensorPrimitives.Dot(batch.Y.AsSpan(i * _d, _d), batch.Y.AsSpan((b + j) * _d, _d));
            // Rows: anchor i → its positive j = i; columns: positive j → its anchor.
            var byRow = (float[])logits.Clone();
            var byColumn = new float[b * b];
            for (int i = 0; i < b; i++) for (int j = 0; j < b; j++) byColumn[j * b + i] = logits[i * b + j];
            double loss = 0;
            for (int i = 0; i < b; i++)
            {
                loss += SoftmaxCrossEntropy(byRow.AsSpan(i * b, b), i) / (2 * b);
                loss += SoftmaxCrossEntropy(byColumn.AsSpan(i * b, b), i) / (2 * b);
            }
            var dY = new float[2 * b * _d];
            for (int i = 0; i < b; i++)
            {
                for (int j = 0; j < b; j++)
                {
                    float g = (byRow[i * b + j] + byColumn[j * b + i]) * scale / (2 * b);
                    if (g == 0) continue;
                    TensorPrimitives.MultiplyAdd(batch.Y.AsSpan((b + j) * _d, _d), g, dY.AsSpan(i * _d, _d), dY.AsSpan(i * _d, _d));
                    TensorPrimitives.MultiplyAdd(batch.Y.AsSpan(i * _d, _d), g, dY.AsSpan((b + j) * _d, _d), dY.AsSpan((b + j) * _d, _d));
                }
            }
            Backward(batch, dY);
            return loss;
        }

        /// <summary>Softmax in place minus the one-hot target (the gradient of the loss w.r.t. the logits); returns the loss.</summary>
        private static double SoftmaxCrossEntropy(Span<float> logits, int target)
        {
            float max = TensorPrimitives.Max(logits);
            double sum = 0;
            for (int k = 0; k < logits.Length; k++)
            {
                logits[k] = MathF.Exp(logits[k] - max);
                sum += logits[k];
            }
            double loss = -Math.Log(Math.Max(logits[target] / sum, 1e-30));
            for (int k = 0; k < logits.Length; k++) logits[k] = (float)(logits[k] / sum);
            logits[target] -= 1f;
            return loss;
        }

        /// <summary>Gradient through <c>ŷ = u/|u|</c>: <c>du = (dŷ − (dŷ·ŷ)ŷ)/|u|</c>.</summary>
        private static void ThroughNormalisation(ReadOnlySpan<float> unit, float norm, ReadOnlySpan<float> dUnit, Span<float> dRaw)
        {
            float along = TensorPrimitives.Dot(dUnit, unit);
            TensorPrimitives.MultiplyAdd(unit, -along, dUnit, dRaw);
            TensorPrimitives.Divide(dRaw, norm, dRaw);
        }

        private sealed record Batch(int[] Rows, float[] Input, float[] Z1, float[] R, float[] Norms, float[] Y);

        private Batch Forward(ReadOnlySpan<int> rowSpan)
        {
            int[] rows = rowSpan.ToArray();
            int b = rows.Length, k = _set.ReadoutDimension;
            var x = new float[b * _in];
            for (int s = 0; s < b; s++)
            {
                _set.Row(rows[s]).CopyTo(x.AsSpan(s * _in, _d));
                if (k > 0) _set.Readout!.AsSpan(rows[s] * k, k).CopyTo(x.AsSpan(s * _in + _d, k));
            }
            if (_options.InputDropout > 0)
            {
                float keep = 1 - _options.InputDropout;
                for (int i = 0; i < x.Length; i++) x[i] = _random.NextSingle() < keep ? x[i] / keep : 0f;
            }
            var z1 = new float[b * _h];
            var r = new float[b * _h];
            var y = new float[b * _d];
            var norms = new float[b];
            // Both layers as packed matrix products: each weight is loaded once per tile of samples, not once per sample.
            _layer1.MultiplyTransposed(x, b, _w1, _h, _in, z1);
            Parallel.For(0, b, s =>
            {
                var zs = z1.AsSpan(s * _h, _h);
                TensorPrimitives.Add(zs, _b1, zs);
                TensorPrimitives.Max(zs, 0f, r.AsSpan(s * _h, _h));
            });
            _layer2.MultiplyTransposed(r, b, _w2, _d, _h, y);
            Parallel.For(0, b, s =>
            {
                var ys = y.AsSpan(s * _d, _d);
                TensorPrimitives.Add(ys, _b2, ys);
                TensorPrimitives.Add(ys, x.AsSpan(s * _in, _d), ys);
                norms[s] = MathF.Max(TensorPrimitives.Norm(ys), 1e-12f);
                TensorPrimitives.Divide(ys, norms[s], ys);
            });
            return new Batch(rows, x, z1, r, norms, y);
        }

        /// <summary>Weight rows whose gradients one pass over the batch's inputs fills together.</summary>
        private const int RowBlock = 16;

        /// <summary>
        /// Gradients of an affine layer's weights and biases over a batch into <paramref name="dW"/> and <paramref name="dB"/>
        /// (overwritten): dW[o] = Σ_s dOut[s, o]·in[s], dB[o] = Σ_s dOut[s, o]. <see cref="RowBlock"/> rows at a time, so each
        /// sample's input is read once per block of rows; each row sums its samples in order, skipping zero gradients
        /// (half of them behind the ReLU).
        /// </summary>
        private static void LayerGradient(float[] dOut, float[] inputs, int batch, int outputs, int width, float[] dW, float[] dB)
        {
            Parallel.For(0, (outputs + RowBlock - 1) / RowBlock, block =>
            {
                int first = block * RowBlock, end = Math.Min(outputs, first + RowBlock);
                dW.AsSpan(first * width, (end - first) * width).Clear();
                dB.AsSpan(first, end - first).Clear();
                for (int s = 0; s < batch; s++)
                {
                    var input = inputs.AsSpan(s * width, width);
                    for (int o = first; o < end; o++)
                    {
                        float g = dOut[s * outputs + o];
                        if (g == 0) continue;
                        var row = dW.AsSpan(o * width, width);
                        TensorPrimitives.MultiplyAdd(input, g, row, row);
                        dB[o] += g;
                    }
                }
            });
        }

        private void Backward(Batch batch, float[] dY)
        {
            int b = batch.Rows.Length;
            var dU = new float[b * _d];
            for (int s = 0; s < b; s++)
                ThroughNormalisation(batch.Y.AsSpan(s * _d, _d), batch.Norms[s], dY.AsSpan(s * _d, _d), dU.AsSpan(s * _d, _d));
            LayerGradient(dU, batch.R, b, _d, _h, _dW2, _dB2);
            var dZ1 = new float[b * _h];
            Parallel.For(0, b, s =>
            {
                var dr = dZ1.AsSpan(s * _h, _h);
                for (int k = 0; k < _d; k++)
                {
                    float g = dU[s * _d + k];
                    if (g != 0) TensorPrimitives.MultiplyAdd(_w2.AsSpan(k * _h, _h), g, dr, dr);
                }
                var z = batch.Z1.AsSpan(s * _h, _h);
                for (int j = 0; j < _h; j++) if (z[j] <= 0) dr[j] = 0;
            });
            LayerGradient(dZ1, batch.Input, b, _h, _in, _dW1, _dB1);
            _adam.Step("w1", _w1, _dW1);
            _adam.Step("b1", _b1, _dB1, decay: false);
            _adam.Step("w2", _w2, _dW2);
            _adam.Step("b2", _b2, _dB2, decay: false);
        }
    }

    /// <summary>Adam with decoupled weight decay (AdamW), one moment pair per named parameter.</summary>
    private sealed class Adam(float rate, float weightDecay)
    {
        private const float Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f;
        private readonly Dictionary<string, (float[] M, float[] V, int T)> _state = new(StringComparer.Ordinal);

        public void Step(string name, float[] parameter, float[] gradient, float rateScale = 1f, bool decay = true)
        {
            if (!_state.TryGetValue(name, out var state)) state = (new float[parameter.Length], new float[parameter.Length], 0);
            int t = state.T + 1;
            _state[name] = (state.M, state.V, t);
            float step = rate * rateScale * MathF.Sqrt(1 - MathF.Pow(Beta2, t)) / (1 - MathF.Pow(Beta1, t));
            float shrink = decay ? 1 - rate * rateScale * weightDecay : 1;
            var m = state.M;
            var v = state.V;
            // Element by element, so chunks on several cores give the same numbers as one loop.
            Parallel.For(0, (parameter.Length + Chunk - 1) / Chunk, chunk =>
            {
                int end = Math.Min(parameter.Length, (chunk + 1) * Chunk), i = chunk * Chunk;
                var (b1, c1, b2, c2) = (new Vector<float>(Beta1), new Vector<float>(1 - Beta1), new Vector<float>(Beta2), new Vector<float>(1 - Beta2));
                var (keep, by, epsilon) = (new Vector<float>(shrink), new Vector<float>(step), new Vector<float>(Epsilon));
                for (; i <= end - Vector<float>.Count; i += Vector<float>.Count)
                {
                    var g = new Vector<float>(gradient, i);
                    var mi = b1 * new Vector<float>(m, i) + c1 * g;
                    var vi = b2 * new Vector<float>(v, i) + c2 * g * g;
                    (new Vector<float>(parameter, i) * keep - by * mi / (Vector.SquareRoot(vi) + epsilon)).CopyTo(parameter, i);
                    mi.CopyTo(m, i);
                    vi.CopyTo(v, i);
                }
                for (; i < end; i++)
                {
                    float g = gradient[i];
                    m[i] = Beta1 * m[i] + (1 - Beta1) * g;
                    v[i] = Beta2 * v[i] + (1 - Beta2) * g * g;
                    parameter[i] = parameter[i] * shrink - step * m[i] / (MathF.Sqrt(v[i]) + Epsilon);
                }
            });
        }

        private const int Chunk = 1 << 16;
    }
}
