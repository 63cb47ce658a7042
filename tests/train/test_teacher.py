"""bb-train inter --teacher: a trained model's probabilities as the targets (distillation)."""

from __future__ import annotations

import pytest
import torch

from bonebench.data.dataset import Dataset
from bonebench.data.splits import make_split
from bonebench.errors import InputError
from bonebench.train.checkpoint import load_checkpoint, save_checkpoint
from bonebench.train.config import make_config
from bonebench.train.groups import build_model, get_group
from bonebench.train.loop import train
from bonebench.train.shrink import shrink_checkpoint
from bonebench.train.tasks import InteractiveTask


@pytest.fixture(scope="module")
def teacher(phantom_dataset, tmp_path_factory):
    """A tiny SegInter trained long enough to draw the fibula (base 8)."""
    out = tmp_path_factory.mktemp("teacher")
    config = make_config("tiny", data=str(phantom_dataset), label="fibula", patients=2, group="inter",
                         device="cpu", precision="fp32", iterations=60, val_every=60)
    train(config, out, show_progress=False)
    return out / "last.pt"


def _network(path, width: int) -> torch.nn.Module:
    model = build_model(get_group("inter"), width)
    model.load_state_dict(load_checkpoint(path)["model"])
    return model.eval()


def _disagreement(student: torch.nn.Module, teacher: torch.nn.Module, inputs: torch.Tensor) -> float:
    with torch.no_grad():
        return float((torch.sigmoid(student(inputs)) - torch.sigmoid(teacher(inputs))).abs().mean())


def test_a_cut_model_distilled_from_its_teacher_comes_to_answer_as_it_does(phantom_dataset, teacher, tmp_path):
    """The teacher cut to width 4 answers unlike it; trained on the teacher's probabilities for a few dozen
    steps it answers much closer to it on clicked slices it never trained on, and closer than the same
    steps on the labels bring it (the teacher, 60 tiny steps old, is not the labels)."""
    save_checkpoint(tmp_path / "cut.pt", shrink_checkpoint(teacher, 4))
    students = {}
    for name, source in (("distilled", str(teacher)), ("labels", "")):
        config = make_config("tiny", data=str(phantom_dataset), label="fibula", patients=2, group="inter",
                             device="cpu", precision="fp32", init=str(tmp_path / "cut.pt"), base_width=4,
                             teacher=source, iterations=40, val_every=40, lr=3e-3, seed=5)
        train(config, tmp_path / name, show_progress=False)
        students[name] = _network(tmp_path / name / "last.pt", 4)
    probe = make_config("tiny", data=str(phantom_dataset), label="fibula", patients=2, group="inter", seed=99)
    dataset = Dataset(phantom_dataset)
    task = InteractiveTask(probe, dataset, make_split(dataset.case_ids, 0), get_group("inter"))
    inputs = torch.from_numpy(task.prepare().inputs)
    wide = _network(teacher, 8)
    before = _disagreement(_network(tmp_path / "cut.pt", 4), wide, inputs)
    distilled, labels = (_disagreement(students[name], wide, inputs) for name in ("distilled", "labels"))
    assert distilled < 0.5 * before and distilled < labels, (before, distilled, labels)
    assert load_checkpoint(tmp_path / "distilled" / "last.pt")["config"]["teacher"] == str(teacher)


def test_a_teacher_of_other_inputs_is_refused_before_a_run_folder_is_made(phantom_dataset, teacher,
                                                                           tiny_checkpoints, tmp_path):
    def run(out, **settings):
        config = make_config("tiny", data=str(phantom_dataset), label="fibula", patients=1, device="cpu",
                             precision="fp32", iterations=1, val_every=1, **settings)
        train(config, tmp_path / out, show_progress=False)

    with pytest.raises(InputError, match="--teacher for SegInter needs a trained SegInter"):
        run("seg-teacher", group="inter", teacher=str(tiny_checkpoints["seg"]))
    with pytest.raises(InputError, match="--teacher for SegInterWalk"):
        run("walk-student", group="inter-walk", teacher=str(teacher))
    with pytest.raises(InputError, match="pass --pixel-mm 0"):
        run("pixel", group="inter", teacher=str(teacher), pixel_mm=1.5)
    with pytest.raises(InputError, match="restoration run"):
        run("restoration", group="restoration", teacher=str(teacher))
    assert not any((tmp_path / name / "config.json").exists() for name in ("seg-teacher", "walk-student", "pixel"))
