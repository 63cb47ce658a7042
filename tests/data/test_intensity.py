import numpy as np

from bonebench.data.intensity import clip_hu_int16, window_hu


def test_study_window():
    hu = np.array([-3024, -1024, 988, 3000, 30000], dtype=np.float32)
    np.testing.assert_allclose(window_hu(hu), [0.0, 0.0, 0.5, 1.0, 1.0], atol=1e-6)
    assert window_hu(hu).dtype == np.float32


def test_int16_storage_is_exact_inside_the_window():
    hu = np.array([-2000, -1024, -3, 0, 2999.6, 4000])
    np.testing.assert_array_equal(clip_hu_int16(hu), [-1024, -1024, -3, 0, 3000, 3000])
