import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# Spin-up checkpoints of the test runs live next to the tests' other output (git-ignored), not
# in the user's cache; they are keyed by config, seed and code, so reruns reuse them safely.
os.environ.setdefault("WIJKSIM_CACHE", str(Path(__file__).parent / "output" / "checkpoints"))
