"""Benchmarks: a synthetic corpus generator (`bench.corpus`) and the measuring run (`bench.run`). Not tests."""
