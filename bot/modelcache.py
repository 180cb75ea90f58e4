"""Train the Rasa model only when something that shapes it changed.

The model's key is a hash of everything that shapes it: config.yml, the domain (domain.yml),
the training data (data/, less the utility data that Rasa does not read), the code and
data files of our custom NLU components (bot/nlu/, and the domain code they read:
bot/domain/text.py, bot/domain/places/), and the pinned requirements (the Rasa version).
Rasa's own fingerprint does not see files read by custom components; this key does,
and the components also add those files to Rasa's fingerprint (``fingerprint_addon``).

A trained model is kept as ``models/<key>.tar.gz`` and copied to a cache outside the
checkout ($EVN_CACHE_DIR/models) so fresh clones and CI runs reuse it; without a
cache it is simply trained.

    python -m bot.modelcache ensure   # train if needed, print the model path
    python -m bot.modelcache key      # print the key
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from bot.config import PROJECT_ROOT

# bot/domain/text.py and bot/domain/places: the NLU components read words and place names there.
MODEL_INPUTS = (
    "config.yml", "domain.yml", "data", "bot/nlu", "bot/domain/text.py", "bot/domain/places", "requirements",
)
NOT_MODEL_INPUTS = ("data/demo", "data/tariffs.yml")
IGNORED_SUFFIXES = (".pyc", ".pyo")


def cache_dir() -> Path:
    base = os.environ.get("EVN_CACHE_DIR") or Path.home() / ".cache" / "evn-cskh"
    return Path(base) / "models"


def _shapes_model(file: Path, root: Path) -> bool:
    relative = file.relative_to(root).as_posix()
    if any(relative == skip or relative.startswith(skip + "/") for skip in NOT_MODEL_INPUTS):
        return False
    return "__pycache__" not in file.parts and not file.name.endswith(IGNORED_SUFFIXES)


def _input_files(root: Path) -> Iterable[Path]:
    for name in MODEL_INPUTS:
        path = root / name
        if path.is_file():
            yield path
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file() and _shapes_model(file, root):
                    yield file


def model_key(root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for file in _input_files(root):
        digest.update(str(file.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:20]


def model_path(root: Path = PROJECT_ROOT) -> Path:
    return root / "models" / f"{model_key(root)}.tar.gz"


def ensure_model(root: Path = PROJECT_ROOT) -> Path:
    """Return the path of a model trained from the current inputs, training it if needed."""
    target = model_path(root)
    if target.exists():
        return target
    cached = cache_dir() / target.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if cached.exists():
        shutil.copyfile(cached, target)
        print(f"Model {target.name} taken from the cache {cached.parent}", file=sys.stderr)
        return target
    print(f"Training model {target.name} (inputs changed or no cached model)...", file=sys.stderr)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    # An empty output directory: Rasa would otherwise compare with the newest model there
    # and may skip writing ours. Its own training cache (~/.rasa/cache) still speeds up
    # the parts that did not change.
    with tempfile.TemporaryDirectory(dir=target.parent) as out:
        subprocess.run(
            [
                str(Path(sys.executable).parent / "rasa"), "train",
                "--fixed-model-name", target.name.removesuffix(".tar.gz"),
                "--out", out,
            ],
            cwd=root,
            env=env,
            check=True,
        )
        os.replace(Path(out) / target.name, target)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, cached)
    except OSError as error:  # a read-only or full cache must not fail the build
        print(f"warning: could not cache the model: {error}", file=sys.stderr)
    return target


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "ensure"
    if command == "key":
        print(model_key())
    elif command == "ensure":
        print(ensure_model())
    else:
        print("usage: python -m bot.modelcache [ensure|key]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
