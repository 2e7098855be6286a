from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Tooling on top of every app: the scale data set and the benchmark
    harness. It has no models and serves no page in production."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
