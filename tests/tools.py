"""Tests that need a command-line tool from a Debian package."""

import os
import shutil

import pytest


def needs(command, package):
    """Skip when `command` is missing, except under CI=true: CI installs
    every package, so a missing tool there fails the test instead of hiding it."""
    in_ci = os.environ.get("CI", "").lower() == "true"
    return pytest.mark.skipif(
        not in_ci and shutil.which(command) is None, reason=f"{package} is not installed"
    )
