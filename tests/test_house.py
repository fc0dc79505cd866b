"""The house rules of issue #12, held by reading the source (tools/house_figures.py)."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("house_figures", ROOT / "tools" / "house_figures.py")
house = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(house)


def test_the_figures_see_a_cycle_and_a_private_import_when_there_is_one(tmp_path, monkeypatch):
    package = tmp_path / "nbkeras"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from nbkeras.b import g\n")
    (package / "b.py").write_text("from nbkeras.a import f\nfrom nbkeras.a import _hidden\n")
    monkeypatch.setattr(house, "ROOT", tmp_path)
    monkeypatch.setattr(house, "PACKAGE", package)
    modules = house.package_modules()
    assert house.cycles(house.import_edges(modules)) == [["nbkeras.a", "nbkeras.b"]]
    assert house.private_name_imports(modules) == ["nbkeras.b imports nbkeras.a._hidden"]


def test_no_import_cycles_among_nbkeras_modules_counting_imports_inside_functions():
    modules = house.package_modules()
    assert house.cycles(house.import_edges(modules)) == []


def test_no_module_imports_another_modules_private_names():
    assert house.private_name_imports(house.package_modules()) == []


def test_no_hand_written_invalid_value_messages_outside_the_vocabulary():
    figures = house.figures()
    assert figures["hand_written_invalid_value_messages"] == 0, figures
