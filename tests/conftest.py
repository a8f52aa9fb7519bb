"""Shared test configuration: Qt runs offscreen in English, hypothesis stays within CI's time."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")
# The window follows the system's language; tests that need Spanish ask for it, so the suite
# reads the same on a Spanish machine as in CI (child processes inherit this too).
os.environ.update({"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "LANGUAGE": "en"})

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
