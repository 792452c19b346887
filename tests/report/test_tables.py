"""Tables a reader can read: labels with units, one number format per column, best values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from page import Page

from synthvol.report.html import float_formatter, leading_number, table_html
from synthvol.report.labels import column_label, quantity
from synthvol.report.model import section, table
from synthvol.report.render import section_html


def cells(page: str, column: int) -> list[str]:
    """The text of one column's body cells."""
    return Page(page).cells(column)


def rendered(frame: pd.DataFrame, *args, **kwargs) -> str:
    """A frame through the section data (:func:`synthvol.report.model.table`) to HTML."""
    t = table(frame, *args, **kwargs)
    return table_html(t.frame(), t.caption, t.float_format, anchor=t.anchor, best=t.best,
                      labels=t.labels(), number="Table 1.")


@pytest.mark.parametrize(("name", "label"), [
    ("return_mse_mean", "Return MSE, mean"),
    ("acf_abs_lag1", "ACF of |r|, lag 1"),
    ("seconds_q05", "Time, 5% quantile (s)"),
    ("seconds", "Time (s)"),
    ("annualised_vol_pct_se", "Annualised volatility, standard error (%)"),
    ("discriminative_std", "Discriminative score |accuracy − 0.5|, standard deviation"),
    ("mape", "MAPE (%)"),
    ("some_new_column", "some new column"),
    ("Already Labelled", "Already Labelled"),
])
def test_column_labels_come_from_one_registry(name: str, label: str) -> None:
    assert column_label(name) == label


def test_unknown_suffix_is_not_guessed() -> None:
    assert quantity("seconds_q42") == (None, "")


def test_a_column_never_mixes_scientific_and_fixed_notation() -> None:
    fmt = float_formatter(np.array([1.71e4, 8090.0, 7.232e-5]))
    texts = [fmt(v) for v in (1.71e4, 8090.0, 7.232e-5)]
    assert texts == ["1.710e+04", "8.090e+03", "7.232e−05"]


def test_fixed_decimals_give_the_largest_value_its_significant_digits() -> None:
    values = np.array([0.3092, -0.0497, 0.0054])
    fmt = float_formatter(values, quantity("acf_abs_lag1")[0])  # 3 significant digits
    assert [fmt(v) for v in values] == ["0.3092", "−0.0497", "0.0054"]


def test_tiny_values_in_a_fixed_column_say_so_instead_of_showing_zero() -> None:
    fmt = float_formatter(np.array([79.87, 0.0011]), quantity("seconds")[0])
    assert fmt(79.87) == "79.87"
    assert fmt(0.0011) == "< 0.01"
    assert fmt(float("nan")) == "—"


def test_registry_decimals_fix_the_format() -> None:
    fmt = float_formatter(np.array([0.2, 0.00001]), quantity("p_value")[0])
    assert (fmt(0.2), fmt(0.00001)) == ("0.200", "< 0.001")


def test_table_has_labels_raw_names_best_mark_and_placeholder() -> None:
    frame = pd.DataFrame({"source": ["a", "b", "c"], "seconds_median": [3.0, 1.5, 1.5],
                          "discriminative": ["0.31 ± 0.02", "0.12 ± 0.01", "0.40 ± 0.03"]})
    page = rendered(frame, "Cost.", anchor="cost", best={"seconds_median": "min",
                                                        "discriminative": "min"})
    assert '<div class=\'table\' id="cost">' in page
    assert '<th title="seconds_median">Time, median (s)</th>' in page
    assert '<span class="number">Table 1.</span> Cost.' in page
    assert "Bold: best value — lowest Time, median (s), Discriminative score" in page
    assert page.count('<td class="num best">1.50</td>') == 2     # ties are both marked
    assert '<td class="num best">' not in page.replace('<td class="num best">1.50', "")
    assert '<td class="text best">0.12 ± 0.01</td>' in page
    assert cells(page, 1) == ["3.00", "1.50", "1.50"]


def test_best_rules_and_bad_columns_raise() -> None:
    frame = pd.DataFrame({"mean_error": [-0.5, 0.1, 0.3]})
    page = rendered(frame, best={"mean_error": "abs_min"})
    assert '<td class="num best">0.1000</td>' in page
    with pytest.raises(ValueError, match="no column 'missing'"):
        table(frame, best={"missing": "min"})
    with pytest.raises(ValueError, match="best rule 'median'"):
        table(frame, best={"mean_error": "median"})
    with pytest.raises(ValueError, match="column 'a' twice"):
        table(pd.DataFrame([[1, 2]], columns=["a", "a"]))
    with pytest.raises(ValueError, match="best rule 'median'"):
        table_html(frame, best={"mean_error": "median"})


def test_explicit_float_formats_still_work() -> None:
    frame = pd.DataFrame({"share": [12.345, 7.0]})
    assert cells(rendered(frame, float_format="{:.1f}"), 0) == ["12.3", "7.0"]
    assert cells(rendered(frame, float_format="{:.2g}"), 0) == ["12.3", "7.0"]  # one format


def test_csv_link_and_scroll_container() -> None:
    assert table(pd.DataFrame({"n": [1]}), csv="results/x/table.csv").csv == "results/x/table.csv"
    page = table_html(pd.DataFrame({"n": [1]}), csv_href="x/table.csv",
                      csv_title="results/x/table.csv")
    assert '<a class="csv" href="x/table.csv" title="results/x/table.csv">CSV</a>' in page
    assert "<div class='scroll'><table class='data'>" in page


def test_integer_missing_values_and_multiindex_columns() -> None:
    frame = pd.DataFrame({("rhat", "I"): [1.01], ("rhat", "II"): [1.2]})
    page = rendered(frame)
    assert '<th title="rhat I">rhat I</th>' in page
    ints = pd.DataFrame({"nobs": pd.array([1805, None], dtype="Int64")})
    assert cells(rendered(ints), 0) == ["1805", "—"]
    indexed = pd.DataFrame({"x": [1.5]}, index=pd.Index(["a"], name="source"))
    assert cells(rendered(indexed, index=True), 0) == ["a"]


def test_findings_are_the_shared_convention() -> None:
    sec = section("sv", "SV", [table(pd.DataFrame({"n": [1]}), anchor="sv-table2")],
                  [("Scheme V & IV lead.", "sv-table2")])
    block = section_html(sec)
    assert ('<aside class="findings" data-part="sv"><ul><li><a href="#sv-table2">'
            'Scheme V &amp; IV lead.</a></li></ul></aside>') in block


@pytest.mark.parametrize(("text", "number"), [
    ("0.31 ± 0.02", 0.31), ("−4.5 %", -4.5), ("1e-3 s", 1e-3), (".5", 0.5), ("+3", 3.0),
    ("2010-01-04", 2010.0), ("phi0.99", None), ("tie", None), ("", None),
])
def test_leading_numbers_of_text_cells(text: str, number: float | None) -> None:
    assert leading_number(text) == number


def test_identifiers_read_as_the_study_names_them() -> None:
    frame = pd.DataFrame({"source": ["lstm_attention", "real_test", "mystery"],
                          "setting": ["phi0.99_tau20.0225_n100", "x", "y"]})
    assert cells(rendered(frame), 0) == ["LSTM-attention", "real (test)", "mystery"]
    assert cells(rendered(frame), 1)[0] == "φ = 0.99, τ² = 0.0225, n = 100"
