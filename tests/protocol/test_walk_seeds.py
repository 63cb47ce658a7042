import numpy as np

from bonebench.kernels import innermost_points
from bonebench.protocol.walk_seeds import MAX_SEEDS, arm_seeds, piece_seeds


def test_every_piece_seeds_the_next_slice_but_a_stray_pixel():
    pieces = np.zeros((40, 40), np.uint8)
    pieces[10:20, 10:20] = 1
    pieces[30:33, 30:33] = 1
    pieces[1, 1] = 1  # a stray pixel seeds nothing
    assert sorted(piece_seeds(pieces, (16, 16))) == [(14, 14), (31, 31)]
    assert piece_seeds(np.zeros((8, 8), np.uint8), (16, 16)) == []


def test_a_long_piece_seeds_the_next_slice_along_its_length():
    """A mandible's body cut as a U, a hip bone's wing: the innermost point alone lies where the next
    slice may have no bone (the chin, above the body where the rami go on), so a long piece also seeds
    its deep pixels farthest apart, SEED_GAP apart at least; a round piece keeps its one seed."""
    u = np.zeros((80, 80), np.uint8)
    u[60:66, 10:70] = 1  # the body
    u[15:66, 10:16] = 1  # and the two sides
    u[15:66, 64:70] = 1
    gap = (16, 16)
    seeds = piece_seeds(u, gap)
    assert seeds[0] == tuple(innermost_points(u)[0])
    assert 2 <= len(seeds) <= MAX_SEEDS
    assert all(u[y, x] for y, x in seeds)
    ys, xs = np.array(seeds).T
    assert np.hypot(ys[:, None] - ys, xs[:, None] - xs)[np.triu_indices(len(seeds), 1)].min() >= gap[0]
    assert {x < 20 for _, x in seeds} == {True, False}  # both sides seeded
    disc = (np.hypot(*np.mgrid[-40:40, -40:40]) < 12).astype(np.uint8)
    assert piece_seeds(disc, gap) == [tuple(innermost_points(disc)[0])]


def test_the_arms_of_a_piece_get_seeds_and_a_round_or_oval_piece_none():
    """A glenoid with the scapular blade leaving it as a thin line: the spread seeds stay in the
    glenoid (the blade is too shallow), the arm seeds go on the blade, far from the glenoid; a disc
    and an oval as long as a tibial plateau have no arm, so they keep their seeds."""
    
    yy, xx = np.mgrid[0:80, 0:120]
    shoulder = (np.hypot(yy - 40, xx - 20) < 10).astype(np.uint8)  # the glenoid
    shoulder[39:42, 20:110] = 1  # the blade, 3 pixels thick
    gap = (16, 16)
    seeds = piece_seeds(shoulder, gap)
    assert all(x < 32 for _, x in seeds)
    arms = arm_seeds(shoulder, gap, seeds, 24)
    assert arms and all(shoulder[y, x] and x > 20 + 24 for y, x in arms)
    assert arm_seeds(shoulder, gap, seeds, 200) == []  # nothing that far
    assert arm_seeds(shoulder, (64, 64), seeds, 24) == []  # reach counts model pixels: 4 volume pixels each here
    disc = (np.hypot(yy - 40, xx - 60) < 20).astype(np.uint8)
    oval = ((yy - 40) ** 2 / 15 ** 2 + (xx - 60) ** 2 / 23 ** 2 < 1).astype(np.uint8)
    for piece in (disc, oval):
        assert arm_seeds(piece, gap, piece_seeds(piece, gap), 24) == []


def test_clicked_core_is_the_core_that_holds_the_pixel():
    """A background click on a piece's core (where its seeds lie) names that core; on its rim, or off the
    mask, none. Two bones merged into one piece by a neck keep a core each."""
    from bonebench.protocol.walk_seeds import clicked_core

    mask = np.zeros((40, 60), np.uint8)
    mask[5:16, 5:16] = 1  # a square, deepest at (10, 10)
    mask[25:30, 20:35] = 1  # another piece
    core = clicked_core(mask, 10, 10)
    assert core is not None and core[10, 10] and not core[5, 10] and not core[25:30].any()
    assert clicked_core(mask, 27, 27)[27, 27]
    assert clicked_core(mask, 5, 10) is None  # the square's rim
    assert clicked_core(mask, 20, 20) is None  # off the mask
    mask[8:13, 16:40] = 1  # a neck to a second square: one piece, two bones
    mask[3:18, 40:55] = 1
    core = clicked_core(mask, 10, 47)
    assert core[10, 47] and not core[10, 10] and not core[10, 28]
