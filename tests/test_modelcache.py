from pathlib import Path

import pytest

from bot import modelcache


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "bot" / "nlu" / "resources").mkdir(parents=True)
    (tmp_path / "config.yml").write_text("language: vi\n")
    (tmp_path / "domain.yml").write_text("intents: [greet]\n")
    (tmp_path / "data" / "nlu" / "greet.yml").write_text("nlu: []\n")
    (tmp_path / "bot" / "nlu" / "resources" / "teencode.yml").write_text("ko: không\n")
    (tmp_path / "README.md").write_text("docs\n")
    return tmp_path


def test_key_changes_with_a_data_file_read_by_a_component(project: Path) -> None:
    before = modelcache.model_key(project)
    (project / "bot" / "nlu" / "resources" / "teencode.yml").write_text("ko: không\nhok: không\n")
    assert modelcache.model_key(project) != before


def test_key_ignores_what_does_not_shape_the_model(project: Path) -> None:
    before = modelcache.model_key(project)
    (project / "README.md").write_text("other docs\n")
    (project / "data" / "demo").mkdir()
    (project / "data" / "demo" / "customers.csv").write_text("code\n")
    (project / "data" / "tariffs.yml").write_text("versions: []\n")
    (project / "bot" / "nlu" / "__pycache__").mkdir()
    (project / "bot" / "nlu" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert modelcache.model_key(project) == before


def test_existing_model_is_reused_without_training(project: Path, monkeypatch) -> None:
    target = modelcache.model_path(project)
    target.parent.mkdir()
    target.write_bytes(b"model")
    monkeypatch.setattr(modelcache.subprocess, "run", lambda *a, **k: pytest.fail("trained again"))
    assert modelcache.ensure_model(project) == target


def test_cached_model_is_copied_from_the_cache(project: Path, tmp_path_factory, monkeypatch) -> None:
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("EVN_CACHE_DIR", str(cache))
    name = modelcache.model_path(project).name
    (cache / "models").mkdir()
    (cache / "models" / name).write_bytes(b"cached model")
    monkeypatch.setattr(modelcache.subprocess, "run", lambda *a, **k: pytest.fail("trained again"))
    assert modelcache.ensure_model(project).read_bytes() == b"cached model"
