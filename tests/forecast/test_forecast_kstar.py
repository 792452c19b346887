"""K* = t_alpha K reproduces Dubrova's Table 4.1 for the linear and the parabolic trend."""

import numpy as np
import pandas as pd
import pytest

from synthvol.errors import ConfigError
from synthvol.forecast.curves import (
    compare_with_table_4_1,
    k_linear,
    k_parabolic,
    kstar_table,
    prediction_factor,
    textbook_table_4_1,
)

TEXTBOOK = dict(n_values=range(7, 26), horizons=range(1, 4), confidence=0.9)
MISPRINT = ("parabolic", 14, 2)  # printed 2.830; (4.5) and the row's other cells give 2.820


def _table(t_decimals):
    return pd.concat([kstar_table(trend, **TEXTBOOK, t_decimals=t_decimals)
                      for trend in ("linear", "parabolic")], ignore_index=True)


def test_table_4_1_is_transcribed_completely():
    table = textbook_table_4_1()
    assert len(table) == 2 * 19 * 3
    assert table.loc[(table.trend == "linear") & (table.n == 7) & (table.L == 1),
                     "K_star"].item() == pytest.approx(2.6380)
    assert table.loc[(table.trend == "parabolic") & (table.n == 25) & (table.L == 3),
                     "K_star"].item() == pytest.approx(2.284)


def test_table_4_1_reproduced_for_both_trends():
    compared = compare_with_table_4_1(_table(t_decimals=3))
    assert len(compared) == 114
    key = list(zip(compared.trend, compared.n, compared.L))
    failures = [k for k, ok in zip(key, compared.agrees) if not ok]
    assert failures == [MISPRINT]
    # every cell is within 0.04% of the printed value once t has the textbook's 3 decimals
    good = compared[compared.agrees]
    assert np.max(np.abs(good.difference / good.K_star_textbook)) < 4e-4


def test_misprinted_cell_is_2_820():
    table = _table(t_decimals=3)
    row = table[(table.trend == "parabolic") & (table.n == 14) & (table.L == 2)]
    assert row.K_star.item() == pytest.approx(2.820, abs=5e-4)


def test_comparison_can_fail_with_coarser_t():
    # t rounded to 2 decimals is too coarse: most cells then disagree
    compared = compare_with_table_4_1(_table(t_decimals=2))
    assert (~compared.agrees).sum() > 50


@pytest.mark.parametrize("n", [7, 12, 25, 60])
def test_closed_forms_equal_regression_prediction_factor(n):
    t = np.arange(1.0, n + 1)
    steps = np.arange(1, 6)
    for degree, closed in ((1, k_linear), (2, k_parabolic)):
        design = np.vander(t, degree + 1, increasing=True)
        rows = np.vander(n + steps.astype(float), degree + 1, increasing=True)
        np.testing.assert_allclose(prediction_factor(design, rows), closed(n, steps),
                                   rtol=1e-10)


def test_kstar_uses_n_minus_k_degrees_of_freedom():
    table = kstar_table("linear", [7], [1], 0.9)
    assert table.t_alpha.item() == pytest.approx(2.015048, abs=1e-6)  # t_{0.95; 5}
    table = kstar_table("parabolic", [7], [1], 0.9)
    assert table.t_alpha.item() == pytest.approx(2.131847, abs=1e-6)  # t_{0.95; 4}


def test_kstar_rejects_bad_settings():
    with pytest.raises(ConfigError, match="unknown trend"):
        kstar_table("cubic", [10], [1], 0.9)
    with pytest.raises(ConfigError, match="degrees of freedom"):
        kstar_table("parabolic", [3], [1], 0.9)
