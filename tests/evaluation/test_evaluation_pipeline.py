"""The workflow steps end to end on small files in the study's formats: a copy floor,
per-source scores with memorisation checks, the comparison tables and figures, and the
report section."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthvol.config import study_defaults
from synthvol.data.prepare import BlockHoldout, prepare_series, series_options, windows_frame
from synthvol.errors import DataError
from synthvol.evaluation.compare import compare_sources, write_copy_floor, write_source_scores
from synthvol.evaluation.report import FLOOR_ID, SCORES_ID, TITLE, write_section
from synthvol.evaluation.sources import RealData, synthetic_sources
from synthvol.io import write_json, write_parquet
from synthvol.report.model import load_section
from synthvol.report.render import section_html
from synthvol.samples import samples_frame

#: params.yaml's window stride, period and feature range.
SERIES = series_options(study_defaults("data"))

L = 20
EVALUATION = {"acf_lags": 5, "clustering_lags": 3, "tail_fraction": 0.1, "aggregation_steps": 2,
              "n_plot_paths": 2,
              "scores": {"n_runs": 2, "hidden_dim": 3, "num_layers": 1,
                         "discriminative_iterations": 15, "predictive_iterations": 15,
                         "batch_size": 32, "learning_rate": 0.01, "test_fraction": 0.2,
                         "head": "linear"}}
TABLES = ["moments", "stylized_facts", "stylized_facts_long", "timing", "scores", "one_step"]
FIGURES = ["acf_returns", "acf_abs_returns", "pacf_returns", "sample_paths", "return_hist"]


@pytest.fixture()
def study(tmp_path: Path) -> dict[str, object]:
    """Prepared splits and windows, one generator's and one baseline's samples with timing
    files."""
    g = np.random.default_rng(0)
    returns = g.standard_t(5, 520) * 0.01
    prices = 100 * np.exp(np.cumsum(returns))
    dates = pd.bdate_range("2020-01-01", periods=521)
    prepared = prepare_series(pd.DataFrame({"date": dates, "price": np.r_[100.0, prices]}),
                              120 / 520, L, holdout=BlockHoldout(50, 0.25), seed=4, **SERIES)
    paths = {"train": tmp_path / "train.parquet", "test": tmp_path / "test.parquet",
             "scaler": tmp_path / "scaler.json", "windows": tmp_path / "windows.parquet",
             "heldout": tmp_path / "heldout.parquet"}
    write_parquet(prepared.train, paths["train"])
    write_parquet(prepared.test, paths["test"])
    write_json(prepared.scaler.to_dict(), paths["scaler"])
    write_parquet(windows_frame(prepared.windows, prepared.window_start), paths["windows"])
    write_parquet(windows_frame(prepared.heldout_windows, prepared.heldout_start),
                  paths["heldout"])
    start = float(prices[399])
    gen = {"samples": tmp_path / "gen.parquet", "train": tmp_path / "gen_train.json",
           "sample": tmp_path / "gen_sample.json"}
    write_parquet(samples_frame(g.normal(0, 0.01, (40, L)), start), gen["samples"])
    write_json({"seconds": 12.5, "history": []}, gen["train"])
    write_json({"seconds": 0.25}, gen["sample"])
    base = {"samples": tmp_path / "base.parquet", "fit": tmp_path / "base_fit.json"}
    write_parquet(samples_frame(g.normal(0, 0.02, (8, 120)), start), base["samples"])
    write_json({"fit_seconds": 0.5, "sample_seconds": 0.125}, base["fit"])
    long = tmp_path / "gen_long.parquet"
    write_parquet(samples_frame(g.normal(0, 0.01, (3, 120)), start), long)
    return {"dir": tmp_path, "real": paths, "gen": gen, "base": base, "long": long,
            "start": start}


def _real(paths: dict[str, Path]) -> RealData:
    return RealData.load(paths["train"], paths["test"], paths["scaler"], paths["windows"],
                         paths["heldout"])


def test_compare_and_report_end_to_end(study):
    real_paths, gen, base, tmp = study["real"], study["gen"], study["base"], study["dir"]
    real = _real(real_paths)
    copy = {"samples": tmp / "copy.parquet", "info": tmp / "copy.json"}
    info = write_copy_floor("mygen", real, str(gen["samples"]), study["start"], L, 7,
                            str(copy["samples"]), str(copy["info"]))
    assert info["source"] == "copy_train[mygen]" and info["n_windows"] == 40
    assert info["median_nn"] == pytest.approx(info["target_median_nn"], rel=2e-3)
    score_files = []
    for name, samples in (("real_train", None), ("mygen", gen["samples"]),
                          ("copy_train_mygen", copy["samples"]), ("garch", base["samples"])):
        out = tmp / f"scores_{name}.json"
        write_source_scores(name, real, samples and str(samples), L, EVALUATION["scores"], 7,
                            str(out))
        score_files.append(str(out))
    scored = json.loads(Path(score_files[3]).read_text())
    assert scored["n_source_windows"] == 8 * (120 // L)        # disjoint windows of the paths
    assert scored["n_real_windows"] == 120 - L + 1              # stride-1 test windows
    assert len(scored["predictive"]) == len(scored["one_step_return_mse"]) == 2
    assert len(scored["heldout_discriminative"]) == 2
    copied = json.loads(Path(score_files[0]).read_text())
    assert copied["memorisation"]["nn_ratio"] == 0.0
    assert copied["memorisation"]["share_closer_q05"] == 1.0
    assert json.loads(Path(score_files[2]).read_text())["source"] == "copy_train[mygen]"

    sources = synthetic_sources({"mygen": str(gen["samples"])}, {"mygen": str(gen["train"])},
                                {"mygen": str(gen["sample"])}, {"garch": str(base["samples"])},
                                {"garch": str(base["fit"])}, {"mygen": str(copy["samples"])},
                                {"mygen": str(copy["info"])})
    outputs = {k: str(tmp / f"{k}.csv") for k in TABLES}
    outputs.update({k: str(tmp / f"{k}.png") for k in FIGURES})
    compare_sources(real, sources, score_files, EVALUATION, L, outputs,
                    {"mygen": str(study["long"])})

    moments = pd.read_csv(outputs["moments"])
    assert list(moments["source"]) == ["real_test", "real_train", "mygen", "copy_train[mygen]",
                                       "garch"]
    assert moments.loc[0, "n"] == 120
    timing = pd.read_csv(outputs["timing"]).set_index("source")
    assert timing.loc["mygen", "train_seconds"] == 12.5
    assert timing.loc["garch", "sample_seconds"] == 0.125
    scores = pd.read_csv(outputs["scores"])
    assert list(scores["source"]) == ["real_train", "mygen", "copy_train[mygen]", "garch"]
    assert scores["discriminative_mean"].between(0, 0.5).all()
    se, std = scores["heldout_discriminative_se"], scores["heldout_discriminative_std"]
    np.testing.assert_allclose(se[std > 0], std[std > 0] / np.sqrt(2))
    assert se[std == 0].isna().all()                  # identical runs: unknown, not exact
    long_facts = pd.read_csv(outputs["stylized_facts_long"])
    assert list(long_facts["source"]) == ["real_test", "mygen"]
    assert list(long_facts["path_length"]) == [120, 120]
    one_step = pd.read_csv(outputs["one_step"])
    assert one_step.loc[0, "source"] == "naive last value"
    test_returns = pd.read_parquet(real_paths["test"])["return"].to_numpy()
    assert one_step.loc[0, "return_mse_mean"] == pytest.approx(np.mean(test_returns ** 2))
    assert all(Path(outputs[k]).stat().st_size > 1000 for k in FIGURES)

    section = tmp / "section.json"
    write_section({k: outputs[k] for k in TABLES}, {k: outputs[k] for k in FIGURES},
                  EVALUATION, L, section)
    sec = load_section(section)
    assert {f.target for f in sec.findings} <= {SCORES_ID, FLOOR_ID}
    html = section_html(sec)
    assert html.startswith('<section id="generators"') and TITLE in html
    assert html.count("<img") == len(FIGURES)
    assert "naive last-value" in html and "mygen" in html
    assert f'id="{SCORES_ID}"' in html and f'id="{FLOOR_ID}"' in html
    assert '<aside class="findings" data-part="generators">' in html
    assert "copy floor" in html


def test_missing_timing_key_names_the_file(study):
    bad = study["dir"] / "bad_fit.json"
    write_json({"seconds": 1.0}, bad)
    (source,) = synthetic_sources({}, {}, {}, {"ar": str(study["base"]["samples"])},
                                  {"ar": str(bad)})
    with pytest.raises(DataError, match="bad_fit.json.*fit_seconds"):
        source.timing()


def test_compare_needs_a_synthetic_source(study):
    real = _real(study["real"])
    with pytest.raises(DataError, match="no generator or baseline"):
        compare_sources(real, [], [], EVALUATION, L, {})
