using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Lookalike.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
