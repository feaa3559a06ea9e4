"""Benchmarks: each prints its figures and, where it has one, the ratio to a baseline measured in the same run."""
