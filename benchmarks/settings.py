"""Benchmark settings: the app's own, with the floor view's URLs. The
harness runs with DEBUG off and HTTPS=0 from the environment (make bench)."""

from certify.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
