"""The workflow steps end to end on small files in the study's formats: a copy floor over a
generator's trainings, per-source headline tests with memorisation checks, the comparison
tables with verdicts and figures, and the report section."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthvol.config import study_defaults
from synthvol.data.prepare import BlockHoldout, prepare_series, series_options, windows_frame
from synthvol.errors import DataError
from synthvol.evaluation.compare import (
    compare_sources,
    score_tables,
    write_copy_floor,
    write_source_scores,
)
from synthvol.evaluation.report import (
    CALIBRATION_ID,
    FLOOR_ID,
    SCORES_ID,
    TITLE,
    Calibration,
    findings,
    write_section,
)
from synthvol.evaluation.sources import RealData, per_generator, synthetic_sources
from synthvol.evaluation.verdicts import VERDICTS
from synthvol.io import write_csv, write_json, write_parquet
from synthvol.report.model import load_section
from synthvol.report.render import section_html
from synthvol.samples import samples_frame

#: params.yaml's window stride, period and feature range.
SERIES = series_options(study_defaults("data"))

L = 20
EVALUATION = {"acf_lags": 5, "clustering_lags": 3, "tail_fraction": 0.1, "aggregation_steps": 2,
              "n_plot_paths": 2}
#: A small headline test (params.yaml's keys).
HEADLINE = {"n_features": 84, "tail_statistics": True, "normalise": False, "n_folds": 3,
            "max_windows": 150, "bootstrap_block": L, "n_bootstrap": 20}
TABLES = ["moments", "stylized_facts", "stylized_facts_long", "timing", "scores", "correlograms"]
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
    gen = {key: [tmp_path / f"gen_t{k}_{key}.{ext}" for k in range(2)]
           for key, ext in (("samples", "parquet"), ("train", "json"), ("sample", "json"))}
    for k in range(2):   # two trainings of one generator
        write_parquet(samples_frame(g.normal(0, 0.01, (40, L)), start), gen["samples"][k])
        write_json({"seconds": 12.5 + k, "history": []}, gen["train"][k])
        write_json({"seconds": 0.25}, gen["sample"][k])
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


def _calibration(size: float) -> pd.DataFrame:
    """A calibration table in benchmarks/calibration.py's columns."""
    rows = [("true", size), ("iid_normal", 0.9), ("garch_gaussian", 0.85), ("copy_floor", 1.0),
            ("block_shuffle", 0.5)]
    return pd.DataFrame([{"score": "headline", "market": market, "generator": gen,
                          "n_markets": 2, "rejection_rate": rate, "rejection_rate_se": 0.1}
                         for market in ("garch_t", "sv") for gen, rate in rows])


def test_real_windows_carry_their_start_in_the_training_split(study):
    real = _real(study["real"])
    scaled = real.scaler.transform(real.train_returns)
    for windows, starts in ((real.train_windows, real.train_starts),
                            (real.heldout_windows, real.heldout_starts)):
        assert len(starts) == len(windows)
        for i in (0, len(windows) // 2, len(windows) - 1):
            np.testing.assert_allclose(windows[i], scaled[starts[i]:starts[i] + L], atol=1e-12)


def test_compare_and_report_end_to_end(study):
    real_paths, gen, base, tmp = study["real"], study["gen"], study["base"], study["dir"]
    real = _real(real_paths)
    copy = {"samples": tmp / "copy.parquet", "info": tmp / "copy.json"}
    info = write_copy_floor("mygen", real, [str(p) for p in gen["samples"]], study["start"], L,
                            7, str(copy["samples"]), str(copy["info"]))
    assert info["source"] == "copy_train[mygen]" and info["n_windows"] == 40
    assert info["n_trainings"] == 2
    assert info["median_nn"] == pytest.approx(info["target_median_nn"], rel=2e-3)
    score_files = []
    for key, samples in (("real_train", None), ("mygen-t0", gen["samples"][0]),
                         ("mygen-t1", gen["samples"][1]), ("copy_train_mygen", copy["samples"]),
                         ("garch", base["samples"])):
        out = tmp / f"scores_{key}.json"
        write_source_scores(key, real, samples and str(samples), L, HEADLINE, 7, str(out))
        score_files.append(str(out))
    scored = json.loads(Path(score_files[4]).read_text())
    assert scored["n_source_windows"] == 8 * (120 // L)        # memorisation: disjoint windows
    # the headline test cuts stride-1 windows of each path, subsampled to max_windows
    rocket = scored["headline"]["minirocket"]
    assert rocket["n_candidate"] == min(8 * (120 - L + 1), HEADLINE["max_windows"])
    assert 0 <= rocket["auc"] <= 1 and rocket["se"] > 0
    copied = json.loads(Path(score_files[0]).read_text())
    assert copied["memorisation"]["nn_ratio"] == 0.0
    assert copied["memorisation"]["share_closer_q05"] == 1.0
    trained = [json.loads(Path(f).read_text()) for f in score_files[1:3]]
    assert [(t["source"], t["training"]) for t in trained] == [("mygen", 0), ("mygen", 1)]
    assert trained[0]["headline"] != trained[1]["headline"]   # each training its own test
    assert json.loads(Path(score_files[3]).read_text())["source"] == "copy_train[mygen]"

    sources = synthetic_sources(
        per_generator([str(p) for p in gen["samples"]], ["mygen"]),
        per_generator([str(p) for p in gen["train"]], ["mygen"]),
        per_generator([str(p) for p in gen["sample"]], ["mygen"]),
        {"garch": str(base["samples"])}, {"garch": str(base["fit"])},
        {"mygen": str(copy["samples"])}, {"mygen": str(copy["info"])})
    outputs = {k: str(tmp / f"{k}.csv") for k in TABLES}
    outputs.update({k: str(tmp / f"{k}.png") for k in FIGURES})
    compare_sources(real, sources, score_files, EVALUATION, L, outputs,
                    {"mygen": str(study["long"])})

    moments = pd.read_csv(outputs["moments"]).set_index("source")
    assert list(moments.index) == ["real_test", "real_train", "mygen", "copy_train[mygen]",
                                   "garch"]
    assert moments.loc["real_test", "n"] == 120
    assert moments.loc["mygen", "n"] == 2 * 40 * L                # both trainings pooled
    timing = pd.read_csv(outputs["timing"]).set_index("source")
    assert timing.loc["mygen", "train_seconds"] == 13.0           # mean over trainings
    assert timing.loc["garch", "sample_seconds"] == 0.125
    scores = pd.read_csv(outputs["scores"]).set_index("source")
    assert list(scores.index) == ["real_train", "mygen", "copy_train[mygen]", "garch"]
    assert set(scores["verdict"]) <= set(VERDICTS)
    assert scores.loc["real_train", "verdict"] == "memorises"     # it is the training set
    assert scores.loc["mygen", "n_trainings"] == 2
    per_training = [t["headline"]["minirocket"]["auc"] for t in trained]
    assert [float(a) for a in scores.loc["mygen", "headline_trainings"].split()] == \
        pytest.approx(per_training, abs=1e-4)
    assert scores.loc["mygen", "headline_score"] == pytest.approx(np.mean(per_training))
    assert scores.loc["mygen", "headline_p_value"] == max(
        t["headline"]["minirocket"]["p_value"] for t in trained)
    assert scores["headline_score_se"].gt(0).all()
    assert scores.loc[["real_train", "garch", "copy_train[mygen]"], "beats_copy_floor"] \
        .isna().all()
    assert str(scores.loc["mygen", "beats_copy_floor"]) in ("True", "False")
    long_facts = pd.read_csv(outputs["stylized_facts_long"])
    assert list(long_facts["source"]) == ["real_test", "mygen"]
    assert list(long_facts["path_length"]) == [120, 120]
    assert all(Path(outputs[k]).stat().st_size > 1000 for k in FIGURES)
    correlograms = pd.read_csv(outputs["correlograms"])
    assert list(correlograms["source"].unique()) == ["real_test", "real_train", "mygen", "garch"]
    assert list(correlograms.query("source == 'mygen'")["lag"]) == \
        list(range(1, EVALUATION["acf_lags"] + 1))
    facts = pd.read_csv(outputs["stylized_facts"]).set_index("source")
    first = correlograms.query("lag == 1").set_index("source")
    assert first.loc["garch", "acf_returns"] == \
        pytest.approx(facts.loc["garch", "acf_returns_lag1"])

    calibration = tmp / "calibration.csv"
    write_csv(_calibration(0.05), calibration)
    section = tmp / "section.json"
    write_section({**{k: outputs[k] for k in TABLES}, "calibration": calibration},
                  {k: outputs[k] for k in FIGURES}, EVALUATION, L, section)
    sec = load_section(section)
    assert {f.target for f in sec.findings} <= {SCORES_ID, FLOOR_ID, CALIBRATION_ID}
    html = section_html(sec)
    assert html.startswith('<section id="generators"') and TITLE in html
    assert html.count("<img") == len(FIGURES)
    assert "mygen" in html and "memorises" in html
    for anchor in (SCORES_ID, FLOOR_ID, CALIBRATION_ID):
        assert f'id="{anchor}"' in html
    assert '<aside class="findings" data-part="generators">' in html
    assert "measured size" in html and "5% over 4 simulated markets" in html
    assert "variation between trainings" in html


def _test(auc: float, se: float) -> dict[str, float]:
    return {"auc": auc, "se": se, "ci_low": auc - 2 * se, "ci_high": auc + 2 * se,
            "p_value": 0.5, "n_reference": 100, "n_candidate": 100}


def _row(source: str, auc: float, se: float, nn_ratio: float = 1.0,
         tails: float = 0.6) -> dict[str, object]:
    return {"source": source, "training": None, "n_heldout_windows": 100,
            "n_source_windows": 100, "seconds": 1.0,
            "headline": {"minirocket": _test(auc, se), "tails": _test(tails, 0.01)},
            "memorisation": {"nn_ratio": nn_ratio, "share_closer_q05": 0.05,
                             "share_nndr_q05": 0.05, "median_nn": 0.1,
                             "heldout_median_nn": 0.1, "heldout_q05": 0.05,
                             "heldout_nndr_q05": 0.9}}


def test_verdicts_and_copy_floor_from_the_pooled_trainings(tmp_path: Path) -> None:
    jsons = {"real_train": _row("real_train", 0.55, 0.01, nn_ratio=0.0),
             "good-t0": _row("good", 0.55, 0.01), "good-t1": _row("good", 0.56, 0.01),
             "copy_train_good": _row("copy_train[good]", 0.75, 0.01),
             "bad-t0": _row("bad", 0.80, 0.01), "bad-t1": _row("bad", 0.84, 0.01),
             "copy_train_bad": _row("copy_train[bad]", 0.81, 0.01),
             "copier-t0": _row("copier", 0.55, 0.01, nn_ratio=0.2),
             "ar": _row("ar", 0.70, 0.02),
             "heavy-t0": _row("heavy", 0.55, 0.01, tails=0.8),
             "copy_train_heavy": _row("copy_train[heavy]", 0.75, 0.01, tails=0.6)}
    paths = []
    for key, data in jsons.items():
        write_json(data, tmp_path / f"{key}.json")
        paths.append(str(tmp_path / f"{key}.json"))
    kinds = {"real_train": "real", "good": "generator", "bad": "generator",
             "copier": "generator", "copy_train[good]": "copy", "copy_train[bad]": "copy",
             "ar": "baseline", "heavy": "generator", "copy_train[heavy]": "copy"}
    table = score_tables(paths, kinds).set_index("source")
    assert table.loc["good", "verdict"] == "indistinguishable"
    assert table.loc["good", "beats_copy_floor"]
    assert table.loc["bad", "verdict"] == "worse"
    assert not table.loc["bad", "beats_copy_floor"]               # ties its copy floor
    assert table.loc["copier", "verdict"] == "memorises" and table.loc["copier", "memorises"]
    assert table.loc["ar", "verdict"] == "worse"
    # worse on the tail family alone; beats its floor on MiniRocket all the same
    assert table.loc["heavy", "verdict"] == "worse" and table.loc["heavy", "beats_copy_floor"]
    assert table.loc["heavy", "tails_score"] == pytest.approx(0.8)
    assert table.loc["bad", "n_trainings"] == 2
    # the spread between trainings (0.80, 0.84) enters the standard error
    assert table.loc["bad", "headline_score_se"] > table.loc["good", "headline_score_se"]
    with pytest.raises(DataError, match="not among the compared sources"):
        score_tables(paths, {k: v for k, v in kinds.items() if k != "ar"})
    with pytest.raises(DataError, match="real_train"):
        score_tables(paths[1:], kinds)

    items = findings(table.reset_index(), Calibration.from_table(_calibration(0.05)))
    text = " ".join(t for t, _ in items)
    assert "indistinguishable: good" in text and "worse: bad, ar" in text
    assert "memorises: copier" in text
    assert "better than its copy floor: good." in text
    assert "best" not in text
    oversized = " ".join(t for t, _ in findings(table.reset_index(),
                                                 Calibration.from_table(_calibration(0.2))))
    assert "exceeds 10%" in oversized and "20% over 4 simulated markets" in oversized


def test_calibration_needs_the_true_generator() -> None:
    table = _calibration(0.05)
    with pytest.raises(DataError, match="'true'"):
        Calibration.from_table(table[table["generator"] != "true"])
    calibration = Calibration.from_table(table)
    assert calibration.power["iid_normal"] == (pytest.approx(0.9), 4)
    assert calibration.markets == ("garch_t", "sv")


def test_missing_timing_key_names_the_file(study):
    bad = study["dir"] / "bad_fit.json"
    write_json({"seconds": 1.0}, bad)
    (source,) = synthetic_sources({}, {}, {}, {"ar": str(study["base"]["samples"])},
                                  {"ar": str(bad)})
    assert source.samples_paths == (str(study["base"]["samples"]),)
    with pytest.raises(DataError, match="bad_fit.json.*fit_seconds"):
        source.timing()


def test_per_training_files_split_by_generator() -> None:
    files = ["a0", "a1", "b0", "b1"]
    assert per_generator(files, ["a", "b"]) == {"a": ["a0", "a1"], "b": ["b0", "b1"]}
    with pytest.raises(DataError, match="3 per-training files"):
        per_generator(files[:3], ["a", "b"])


def test_compare_needs_a_synthetic_source(study):
    real = _real(study["real"])
    with pytest.raises(DataError, match="no generator or baseline"):
        compare_sources(real, [], [], EVALUATION, L, {})
