import numpy as np
import pytest

from bonebench.data.phantoms import TIBIA
from bonebench.errors import InputError
from bonebench.kernels import dice
from bonebench.protocol import walk_seeds
from bonebench.runtime.interactive import InteractiveSession
from bonebench.runtime.session import DEFAULT_MODEL, Model
from tests.conftest import right_fibula

CLICK_V7 = DEFAULT_MODEL.with_name("click_v7.onnx")  # the click model the walk models below grow from
ONE_CLICK_DICE = 0.9  # shipped model, one click, whole-bone propagation; measured 0.969 (docs/benchmarks.md)


@pytest.fixture(scope="module")
def model():
    return Model(device="cpu")


def test_one_click_segments_the_whole_fibula(leg_volume, model):
    _, hu, labels, _, (x, y, z) = leg_volume
    session = InteractiveSession(hu.astype(np.float32), model)
    slice_mask = session.click(x, y, z)
    assert slice_mask[y, x] == 1
    first, last = session.propagate()
    truth = right_fibula(labels)
    assert dice(truth, session.mask) > ONE_CLICK_DICE
    assert last - first + 1 > 0.8 * labels.shape[0]  # the bone runs through the whole scan
    assert not (session.mask.astype(bool) & (labels == TIBIA)).any() or \
        (session.mask.astype(bool) & (labels == TIBIA)).sum() < 0.05 * session.mask.sum()


def test_undo_and_background_clicks(leg_volume, model):
    _, hu, _, _, (x, y, z) = leg_volume
    session = InteractiveSession(hu.astype(np.float32), model)
    session.click(x, y, z)
    after_click = session.mask.copy()
    session.propagate()
    session.undo()
    np.testing.assert_array_equal(session.mask, after_click)
    assert list(session.clicks) == [z]
    before = int(session.mask[z].sum())
    session.click(x + 4, y, z, positive=False)  # a background click at the bone's edge refines the slice
    assert session.clicks[z][-1] == (y, x + 4, False)
    assert int(session.mask[z].sum()) <= before + 5
    session.undo()
    session.undo()
    assert not session.mask.any() and not session.clicks


def test_bad_clicks(leg_volume, model):
    _, hu, _, _, (x, y, z) = leg_volume
    session = InteractiveSession(hu.astype(np.float32), model)
    with pytest.raises(InputError, match="outside the volume"):
        session.click(x, y, hu.shape[0])
    with pytest.raises(InputError, match="lands on air"):
        session.click(0, 0, z)
    with pytest.raises(InputError, match="nothing to propagate"):
        session.propagate()


def test_every_piece_of_a_split_bone_seeds_the_next_slice(leg_volume, model):
    """Both fibulae clicked on one slice: one mask in two pieces, and propagation follows both."""
    _, hu, labels, _, (x, y, z) = leg_volume
    from bonebench.kernels import innermost_point

    left = labels == 1
    left[:, :, : labels.shape[2] // 2] = False
    ly, lx = innermost_point(left[z])
    session = InteractiveSession(hu.astype(np.float32), model)
    session.click(x, y, z)
    session.click(int(lx), int(ly), z)
    session.propagate()
    both = labels == 1
    assert dice(right_fibula(labels), session.mask & ~left) > ONE_CLICK_DICE
    assert dice(left, session.mask & left) > ONE_CLICK_DICE
    assert dice(both, session.mask) > ONE_CLICK_DICE


def test_a_background_click_on_a_propagated_slice_cuts_the_propagation(leg_volume, model):
    _, hu, labels, _, (x, y, z) = leg_volume
    from bonebench.kernels import innermost_point

    session = InteractiveSession(hu.astype(np.float32), model)
    session.click(x, y, z)
    session.propagate()
    propagated = session.mask.copy()
    cut = z + 10
    cy, cx = innermost_point(session.mask[cut])
    session.click(int(cx), int(cy), cut, positive=False)
    assert not session.mask[cut:].any()  # the cut slice and everything the upward walk filled beyond it
    np.testing.assert_array_equal(session.mask[:cut], propagated[:cut])  # the rest untouched
    session.propagate()
    assert not session.mask[cut:].any()  # the next propagation stops at the user's slice
    session.undo()
    session.undo()
    np.testing.assert_array_equal(session.mask, propagated)


@pytest.mark.parametrize("rewalks", [True, False])
def test_a_background_click_on_a_walked_slice_s_edge_trims_it_and_the_walk_goes_on(leg_volume, model,
                                                                                   monkeypatch, rewalks):
    """A background click on the edge of a propagated slice (where a person trims a leak; here the
    fibula's own edge, which the walk model keeps) leaves the walk's seeds: the slice is segmented again
    with them, the walk beyond it is cleared and the next propagate() walks on from it. Before
    CLICK_REWALKS any background click on a walked slice cut the walk there."""
    import bonebench.runtime.interactive as interactive
    from bonebench.kernels import innermost_point

    monkeypatch.setattr(interactive, "CLICK_REWALKS", rewalks)
    _, hu, labels, _, (x, y, z) = leg_volume
    session = InteractiveSession(hu.astype(np.float32), model)
    session.click(x, y, z)
    session.propagate()
    cut = z + 10
    cy, _ = innermost_point(session.mask[cut])
    edge_x = int(np.flatnonzero(session.mask[cut, cy]).min())
    session.click(edge_x, int(cy), cut, positive=False)
    assert not session.mask[cut + 1:].any() and session.changed == list(range(cut, labels.shape[0]))
    session.propagate()
    if rewalks:
        assert session.mask[cut:].any(axis=(1, 2)).all()
        assert dice(right_fibula(labels)[cut], session.mask[cut]) > ONE_CLICK_DICE
        assert dice(right_fibula(labels), session.mask) > ONE_CLICK_DICE
    else:
        assert not session.mask[cut:].any()


@pytest.mark.parametrize("rewalks", [True, False])
def test_a_piece_clicked_on_a_walked_slice_is_carried_beyond_it(leg_volume, model, monkeypatch, rewalks):
    """The right fibula clicked and propagated; then, on a slice the walk up filled, the left fibula: the
    next propagate() carries it up from there with the walk. Before CLICK_REWALKS it stayed on that slice."""
    import bonebench.runtime.interactive as interactive
    from bonebench.kernels import innermost_point

    monkeypatch.setattr(interactive, "CLICK_REWALKS", rewalks)
    _, hu, labels, _, (x, y, z) = leg_volume
    left = labels == 1
    left[:, :, : labels.shape[2] // 2] = False
    session = InteractiveSession(hu.astype(np.float32), model)
    session.click(x, y, z)
    session.propagate()
    on = z + 5
    ly, lx = innermost_point(left[on])
    session.click(int(lx), int(ly), on)
    session.propagate()
    found = (session.mask > 0) & left
    if rewalks:
        assert dice(left[on:], found[on:]) > ONE_CLICK_DICE
        assert dice(right_fibula(labels), session.mask & ~left) > ONE_CLICK_DICE
    else:
        assert found[on, ly, lx] and not found[on + 1:].any()


@pytest.mark.parametrize("rewalks", [True, False])
def test_a_second_propagation_walks_only_from_the_user_s_slices(model, monkeypatch, rewalks):
    """A tuning thorax phantom (thorax_6, seed 1391), the rib clicked and propagated: both walks stop
    inside the volume. propagate() again asks the network nothing: the walked slices are no starts.
    Before CLICK_REWALKS every later propagate() walked on again from where each walk had stopped (a
    slice the check's pixels and the fill had grown since: after a second click this rib's walk ran on
    through 18 slices that hold no rib)."""
    import bonebench.runtime.interactive as interactive
    from bonebench.data.phantoms import BONE_LABELS, PhantomShape, make_region_phantom
    from bonebench.study.one_click import clicked_bone

    monkeypatch.setattr(interactive, "CLICK_REWALKS", rewalks)
    hu, labels, geometry = make_region_phantom("thorax", 1391, PhantomShape(size_xy=192, slices=40))
    _, (x, y, z) = clicked_bone(labels == BONE_LABELS["rib"], hu)
    session = InteractiveSession(hu.astype(np.float32), model, geometry.spacing)
    session.click(x, y, z)
    session.propagate()
    assert all(0 <= end < hu.shape[0] for end, _ in session.stops.values())  # both walks stopped inside
    calls = []
    predict = model.predict_all
    monkeypatch.setattr(model, "predict_all", lambda inputs: calls.append(1) or predict(inputs))
    before = session.mask.copy()
    session.propagate()
    assert (not calls and (session.mask == before).all()) if rewalks else calls


def test_stop_rules():
    from bonebench.runtime.interactive import stop_rule

    previous = np.zeros((40, 40), np.uint8)
    previous[10:20, 10:20] = 1
    assert stop_rule(np.roll(previous, 2, axis=1), previous) == ""  # a bone drifts a little
    assert stop_rule(np.roll(previous, 9, axis=1), previous) == "overlap"  # slipped onto a neighbour: overlap 0.1
    grown = previous.copy()
    grown[5:35, 5:35] = 1
    assert stop_rule(grown, previous) == "leak"  # 9x the area
    assert stop_rule(np.zeros_like(previous), previous) == "empty"
    speck = np.zeros_like(previous)
    speck[12, 12] = 1
    assert stop_rule(speck, previous) == "shrink"  # 1 % of the area


def test_a_piece_only_an_arm_seed_found_stays_where_it_continues_the_previous_slice():
    from bonebench.runtime.interactive import _drop_arm_pieces

    previous = np.zeros((40, 60), np.uint8)
    previous[10:20, 5:15] = 1  # the core
    previous[14:16, 15:50] = 1  # an arm
    result = previous.copy()
    result[14:16, 15:20] = 0  # the arm comes apart from the core on this slice
    result[30:36, 40:46] = 1  # and a neighbour that an arm seed landed on
    kept = _drop_arm_pieces(result, [(15, 10)], [(15, 40), (32, 42)], previous)
    assert kept[15, 40] and not kept[32:36, 40:46].any()  # the arm goes on, the neighbour goes
    assert (kept[:, :40] == result[:, :40]).all()
    assert _drop_arm_pieces(result, [(15, 10)], [], previous) is result


def test_arm_seeds_follow_the_scapular_blade_from_a_click_on_the_glenoid(monkeypatch):
    """A tuning shoulder phantom (seed 1314, in neither training nor the held-out table) with the
    click model v7 (the default until v9): below the glenoid the blade is a thin line of its own that the
    glenoid's seeds never reach; seeded on its arm it is followed down (Dice 0.600 -> 0.891,
    docs/results/one-click/README.md, "Seeds on a piece's arms")."""
    import bonebench.runtime.interactive as interactive
    from bonebench.data.phantoms import BONE_LABELS, PhantomShape, make_region_phantom
    from bonebench.runtime.segment import segment
    from bonebench.study.one_click import clicked_bone

    hu, labels, geometry = make_region_phantom("shoulder", 1314, PhantomShape(size_xy=192, slices=40))
    hu = hu.astype(np.float32)
    target, click = clicked_bone(labels == BONE_LABELS["scapula"], hu)
    model = Model(CLICK_V7, device="cpu", threads=1)
    masks = {}
    for reach in (None, 24.0):
        monkeypatch.setattr(interactive, "ARM_REACH", reach)
        masks[reach] = segment(hu, model, [click], spacing=geometry.spacing).mask > 0
    assert dice(target, masks[24.0]) > dice(target, masks[None]) + 0.2
    added = masks[24.0] & ~masks[None]
    assert (added & target).sum() > 0.9 * added.sum()


def test_predicted_pieces_that_continue_the_mask_on_a_neighbouring_slice_join_it(monkeypatch):
    """The knee femur: the walk keeps only the clicked pieces of each slice, so a condyle that joins the
    shaft on other slices is lost; the fill adds it back from there (v4 on a held-out knee phantom:
    Dice 0.936 -> 0.985), without taking in the other bones."""
    import bonebench.runtime.interactive as interactive
    from bonebench.data.phantoms import BONE_LABELS, PhantomShape, make_region_phantom
    from bonebench.runtime.segment import segment
    from bonebench.study.one_click import clicked_bone

    hu, labels, geometry = make_region_phantom("knee", 938, PhantomShape(size_xy=128, slices=24))
    target, click = clicked_bone(labels == BONE_LABELS["femur"])
    v4 = Model(DEFAULT_MODEL.with_name("click_v4.onnx"), device="cpu", threads=1)
    monkeypatch.setattr(walk_seeds, "MAX_SEEDS", 1)  # spread seeds reach this condyle on their own (0.988)
    masks = {}
    for fill in (False, True):
        monkeypatch.setattr(interactive, "FILL_PIECES", fill)
        masks[fill] = segment(hu.astype(np.float32), v4, [click], spacing=geometry.spacing).mask > 0
    assert (masks[False] <= masks[True]).all()  # the fill only adds
    assert dice(target, masks[True]) > dice(target, masks[False]) + 0.02
    added = masks[True] & ~masks[False]
    assert (added & target).sum() > 0.9 * added.sum()


def test_the_fill_leaves_a_slice_with_a_background_click_alone(model):
    """A piece the user excluded with a background click stays out, though the model still predicts it
    and it continues the mask on the neighbouring slice; without the click it joins."""
    from bonebench.runtime.interactive import _Action

    session = InteractiveSession(np.zeros((3, 40, 40), np.float32), model)
    session.mask[:, 5:15, 5:15] = 1  # the bone on all three slices
    session.mask[0, 25:35, 25:35] = 1  # and a piece that slice 1 predicted but no click kept
    session._predicted[1] = session.mask[0] > 0
    session.clicks[1] = [(10, 10, True), (30, 30, False)]
    assert not session._fill_slice(1, _Action()) and not session.mask[1, 30, 30]
    session.clicks[1] = [(10, 10, True)]
    assert session._fill_slice(1, _Action()) and session.mask[1, 30, 30]


def test_a_thin_section_that_moved_off_its_seeds_is_kept_a_thick_one_is_not(model, monkeypatch):
    """Where no predicted piece lies under the walk's seeds, the pieces lying on the carried mask are kept
    when that mask is thin (a rib's section that moved off its innermost point between slices), in mm of
    the volume's pixels; under a thick one nothing is."""
    import bonebench.runtime.interactive as interactive

    session = InteractiveSession(np.zeros((3, 60, 60), np.float32), model, (1.0, 1.0, 2.0))
    predicted = np.zeros((60, 60), bool)
    predicted[10:16, 20:26] = True  # this slice's section, moved right
    predicted[40:44, 50:54] = True  # something else, off the carried mask
    carried = np.zeros((60, 60), np.uint8)
    carried[8:14, 17:23] = 1  # the previous slice's section: 3 mm deep, a third of the new one on it
    seed = [(11, 19)]  # its innermost point, on no predicted piece
    kept, moved = session._kept(predicted, seed, carried)
    assert moved and (kept > 0).sum() == 36 and kept[10:16, 20:26].all()
    kept, moved = session._kept(predicted, [(12, 22)], carried)  # a seed on the section: the clicked rule
    assert not moved and kept[10:16, 20:26].all() and not kept[40:44].any()
    monkeypatch.setattr(interactive, "MOVED_SECTIONS", False)
    assert not session._kept(predicted, seed, carried)[0].any()
    monkeypatch.setattr(interactive, "MOVED_SECTIONS", True)
    thick = np.zeros((60, 60), np.uint8)
    thick[10:40, 10:40] = 1  # 15 mm deep: a bone this thick does not slip off its seed
    assert not session._kept(predicted, seed, thick)[0].any()
    fine = InteractiveSession(np.zeros((3, 60, 60), np.float32), model, (0.3, 0.3, 2.0))
    assert fine._kept(predicted, seed, thick)[1]  # the same pixels at 0.3 mm: 4.5 mm deep


@pytest.mark.parametrize("region, seed, bone, limit", [("shoulder", 1312, "scapula", True),
                                                       ("knee", 1246, "tibia", False)])
def test_the_default_keeps_a_section_that_moved_off_its_seeds_not_a_neighbour(model, monkeypatch, region,
                                                                                seed, bone, limit):
    """Tuning phantoms (tools/one_click_eval.py --tuning: shoulder_1, knee_9), the shipped model: the
    scapula's walk down the blade loses it where it runs out of the field of view and stops 'empty'
    (Dice 0.40); with the pieces on the carried mask kept there, the walk goes on and takes the rest
    (0.86). Under the tibial plateau the pieces on the carried mask are the femoral condyles:
    without the depth limit the tibia walks into the femur (0.99 -> 0.66), with it the rule stays out."""
    import bonebench.runtime.interactive as interactive
    from bonebench.data.phantoms import BONE_LABELS, PhantomShape, make_region_phantom
    from bonebench.runtime.segment import segment
    from bonebench.study.one_click import clicked_bone

    hu, labels, geometry = make_region_phantom(region, seed, PhantomShape(size_xy=192, slices=40))
    hu = hu.astype(np.float32)
    target, click = clicked_bone(labels == BONE_LABELS[bone], hu)
    masks = {}
    for moved, depth in ((False, interactive.MOVED_DEPTH_MM), (True, interactive.MOVED_DEPTH_MM), (True, np.inf)):
        monkeypatch.setattr(interactive, "MOVED_SECTIONS", moved)
        monkeypatch.setattr(interactive, "MOVED_DEPTH_MM", depth)
        masks[moved, depth] = segment(hu, model, [click], spacing=geometry.spacing).mask > 0
    off, on, unlimited = masks.values()
    if limit:  # the scapula: the rule takes the rest of the bone
        assert dice(target, on) > dice(target, off) + 0.3
        added = on & ~off
        assert (added & target).sum() > 0.8 * added.sum()
    else:  # the tibia: the depth limit keeps the rule out, without it the walk crosses the joint
        assert (on == off).all() and dice(target, on) > 0.95
        assert dice(target, unlimited) < dice(target, on) - 0.2


def test_spread_seeds_follow_the_whole_u_of_a_real_mandible(openkbp, monkeypatch):
    """OpenKBP test patient pt_167 (3.9 mm pixels, 2.5 mm slices), one click at the innermost point: with
    one seed per piece the walk's click sits at the chin and the model takes part of the U; seeds spread
    along it take the whole (click_v5: Dice 0.677 -> 0.807)."""
    from bonebench.data.dataset import Dataset
    from bonebench.data.volume_io import read_volume
    from bonebench.runtime.segment import segment
    from bonebench.study.one_click import clicked_bone

    case = Dataset(openkbp).case("pt_167")
    hu, geometry = read_volume(case.image_path)
    truth, _ = read_volume(case.label_path)
    target, click = clicked_bone(truth > 0)
    v5 = Model(DEFAULT_MODEL.with_name("click_v5.onnx"), device="cpu", threads=1)
    scores, spread = {}, walk_seeds.MAX_SEEDS
    for seeds in (1, spread):
        monkeypatch.setattr(walk_seeds, "MAX_SEEDS", seeds)
        mask = segment(hu.astype(np.float32), v5, [click], spacing=geometry.spacing).mask > 0
        scores[seeds] = dice(target, mask)
    assert scores[spread] > scores[1] + 0.08


def _grown_walk_model(root, check=None, **settings) -> Model:
    """A SegInterWalk made from v7 as `bb-train inter --neighbour-mask --init` starts one (its click
    channels are v7's weights, its neighbour channel's weights 0), with `settings` in its training
    config, exported with `check` as its check when one is named."""
    from bonebench.export.onnx_export import export_checkpoint
    from bonebench.train.checkpoint import load_checkpoint, save_checkpoint
    from bonebench.train.config import TrainConfig
    from bonebench.train.groups import build_model, get_group
    from bonebench.train.loop import load_finetune_weights

    payload = load_checkpoint(CLICK_V7)
    group = get_group("inter-walk")
    config = TrainConfig.from_dict({**payload["config"], "group": group.key, **settings})
    net = build_model(group, config.base_width)
    load_finetune_weights(net, str(CLICK_V7), group, config)
    save_checkpoint(root / "walk.pt", {**payload, "group": group.key, "config": config.to_dict(),
                                       "name": "SegInterWalk", "model": net.state_dict()})
    export_checkpoint(root / "walk.pt", root / "walk.onnx", fp16=True, check=check)
    return Model(root / "walk.onnx", device="cpu", threads=1)


@pytest.fixture(scope="module")
def grown_walk_model(tmp_path_factory) -> Model:
    return _grown_walk_model(tmp_path_factory.mktemp("walk_model"))


def test_a_model_trained_with_arm_seeds_walks_with_them(grown_walk_model, tmp_path, monkeypatch):
    """A SegInterWalk trained with `--walk-arms 24` carries that reach in its metadata and the walk seeds
    its arms at it, unless ARM_REACH overrides it (0: none); a model trained without has none. The
    tuning shoulder of the arm-seed test above: its scapula gains as v7 did with ARM_REACH 24."""
    import bonebench.runtime.interactive as interactive
    from bonebench.data.phantoms import BONE_LABELS, PhantomShape, make_region_phantom
    from bonebench.runtime.segment import segment
    from bonebench.study.one_click import clicked_bone

    armed = _grown_walk_model(tmp_path, walk_arms=24.0)
    assert armed.info.walk_arms == 24.0 and grown_walk_model.info.walk_arms is None
    hu, labels, geometry = make_region_phantom("shoulder", 1314, PhantomShape(size_xy=192, slices=40))
    hu = hu.astype(np.float32)
    target, click = clicked_bone(labels == BONE_LABELS["scapula"], hu)
    scores = {}
    for name, model, reach in (("own", armed, None), ("off", armed, 0.0), ("untrained", grown_walk_model, None)):
        monkeypatch.setattr(interactive, "ARM_REACH", reach)
        scores[name] = dice(target, segment(hu, model, [click], spacing=geometry.spacing).mask > 0)
    assert scores["own"] > scores["off"] + 0.2
    assert abs(scores["off"] - scores["untrained"]) < 0.01


def test_the_walk_carries_each_slice_s_mask_into_the_next_for_a_neighbour_mask_model(leg_volume,
                                                                                     grown_walk_model,
                                                                                     monkeypatch):
    """A SegInterWalk is given, on each slice the walk reaches, the mask of the slice it came from (at
    the model's pixel size); the user's first click sees none. Grown from the default with a silent
    neighbour channel, it walks as v7 does; keeping the pieces that continue the carried mask
    (KEEP_CARRIED) leaves this fibula as good."""
    import bonebench.runtime.interactive as interactive
    from bonebench.runtime.segment import segment
    from tests.conftest import rescanned_leg

    hu, truth, geometry, click = rescanned_leg(leg_volume, 1)
    assert grown_walk_model.info.neighbour_mask and grown_walk_model.info.in_channels == 4
    seen = []
    predict_all = grown_walk_model.predict_all
    monkeypatch.setattr(grown_walk_model, "predict_all", lambda x: seen.append(x.copy()) or predict_all(x))
    masks = {}
    for keep in (False, True):
        monkeypatch.setattr(interactive, "KEEP_CARRIED", keep)
        seen.clear()
        masks[keep] = segment(hu, grown_walk_model, [click], spacing=geometry.spacing).mask
        carried = [x[0, 3] for x in seen]
        assert not carried[0].any() and all(c.any() for c in carried[1:])  # the click's slice carries nothing
        assert all(set(np.unique(c)) == {0.0, 1.0} for c in carried[1:])  # a mask, as in training
    v7 = segment(hu, Model(CLICK_V7, device="cpu", threads=1), [click], spacing=geometry.spacing).mask
    assert dice(v7, masks[False]) > 0.99
    assert dice(truth, masks[True]) > 0.9 and dice(truth, masks[True]) > dice(truth, v7) - 0.01


def test_the_walk_asks_its_check_on_every_walked_slice(leg_volume, grown_walk_model, tmp_path, monkeypatch):
    """A walk model exported with a check gives the check's mask on each slice the walk reaches (not on
    the clicked one); a check that sees what the walk sees (v7 checking a walk grown from v7, its
    neighbour channel silent) leaves the mask as the walk alone draws it."""
    import bonebench.runtime.interactive as interactive
    from bonebench.runtime import walk_check
    from bonebench.runtime.segment import segment
    from tests.conftest import rescanned_leg

    checked = _grown_walk_model(tmp_path, check=CLICK_V7)
    assert checked.info.check == "SegInter102" and checked.info.outputs == 2
    hu, truth, geometry, click = rescanned_leg(leg_volume, 1)
    asked = []
    kept = walk_check.kept
    monkeypatch.setattr(walk_check, "kept", lambda walked, check: asked.append(check.copy()) or kept(walked, check))
    mask = segment(hu, checked, [click], spacing=geometry.spacing).mask
    walked = [z for z in np.flatnonzero(mask.any(axis=(1, 2))) if z != click[2]]
    assert len(asked) >= len(walked) and all(check.any() for check in asked)
    alone = segment(hu, grown_walk_model, [click], spacing=geometry.spacing).mask
    assert dice(alone, mask) > 0.995 and dice(truth, mask) > 0.9
    monkeypatch.setattr(interactive, "WALK_CHECK", False)
    asked.clear()
    segment(hu, checked, [click], spacing=geometry.spacing)
    assert not asked


@pytest.mark.parametrize("region, seed, bone", [("hip", 1277, "femur"), ("legs", 1207, "fibula")])
def test_the_default_s_check_keeps_the_walk_on_its_bone(model, monkeypatch, region, seed, bone):
    """The default is a walk model with a click model as its check (v9). On two tuning phantoms
    (tools/one_click_eval.py --tuning: hip_3, legs_7) the walk alone carries the femoral head's mask
    into the acetabulum (Dice 0.75, 27 % of the mask in the pelvis) and draws the fibula a pixel thin
    (0.977); with its check the femur stays the femur (0.955, 1 %) and the fibula gets its rim (0.986)."""
    import bonebench.runtime.interactive as interactive
    from bonebench.data.phantoms import BONE_LABELS, PhantomShape, make_region_phantom
    from bonebench.runtime.segment import segment
    from bonebench.study.one_click import clicked_bone

    assert model.info.check and model.info.neighbour_mask
    hu, labels, geometry = make_region_phantom(region, seed, PhantomShape(size_xy=192, slices=40))
    hu = hu.astype(np.float32)
    target, click = clicked_bone(labels == BONE_LABELS[bone], hu)
    others = (labels > 0) & (labels != BONE_LABELS[bone])
    scores = {}
    for checked in (True, False):
        monkeypatch.setattr(interactive, "WALK_CHECK", checked)
        mask = segment(hu, model, [click], spacing=geometry.spacing).mask > 0
        scores[checked] = dice(target, mask), (mask & others).sum() / mask.sum()
    assert scores[True][0] > scores[False][0] + 0.005 and scores[True][1] <= scores[False][1]
    if region == "hip":
        assert scores[True][0] > 0.9 and scores[True][1] < 0.05 < scores[False][1]
