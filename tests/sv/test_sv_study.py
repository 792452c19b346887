"""The study end to end: a quick-size run through the Snakemake DAG, and the real-data
fit on a synthetic frame."""

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from synthvol.config import load_params
from synthvol.errors import ConfigError, DataError
from synthvol.report.model import load_section
from synthvol.report.render import section_html
from synthvol.seeds import rng
from synthvol.sv.design import MonteCarlo, SVDesign
from synthvol.sv.model import simulate_sv
from synthvol.sv.real import fit_real_data

REPO = Path(__file__).resolve().parents[2]


def synthetic_market(n=400):
    """Returns from a known SV process, and its true volatility standing in for GARCH's."""
    y, h = simulate_sv(n, np.log(1e-4), 0.97, 0.05, np.log(1e-4), rng(5, "sv-market"))
    dates = pd.bdate_range("2015-01-01", periods=n + 1)
    returns = pd.DataFrame({"date": dates[1:], "price": 100 * np.exp(np.cumsum(y)),
                            "return": y})
    garch = pd.DataFrame({"date": dates[1:], "volatility": np.exp(h[1:] / 2)})
    return returns, garch


def small_sv_params():
    sv = load_params(REPO / "params.yaml")["sv"]
    sv.update(n_seeds=2, n_burn=50, n_keep=100, acf_lags=20,
              schemes=["I", "IV", "V"])
    sv["truth"].update(tau2=[0.45], n=[60])
    sv["real_data"].update(n_burn=200, n_keep=200)
    sv["mixture_error"].update(n_burn=50, n_keep=200, batches=4)
    return sv


def test_real_data_fit_tracks_the_true_volatility(tmp_path):
    returns, truth = synthetic_market()
    returns.to_parquet(tmp_path / "returns.parquet")
    truth.to_parquet(tmp_path / "garch.parquet")
    sv = small_sv_params()
    out = {k: str(tmp_path / f"{k}{s}") for k, s in
           (("path", ".parquet"), ("summary", ".csv"), ("figure", ".png"))}
    fit_real_data(str(tmp_path / "returns.parquet"), str(tmp_path / "garch.parquet"),
                  SVDesign.from_params(sv), 1, out["path"], out["summary"], out["figure"])
    path = pd.read_parquet(out["path"])
    inside = (path["lower"] <= path["garch"]) & (path["garch"] <= path["upper"])
    assert inside.mean() > 0.7          # 90% band covers most of the true path
    assert pd.read_csv(out["summary"])["corr_with_garch"].iloc[0] > 0.5
    assert Path(out["figure"]).stat().st_size > 10_000


def test_real_data_refuses_missing_columns(tmp_path):
    returns, garch = synthetic_market(50)
    returns.drop(columns="return").to_parquet(tmp_path / "r.parquet")
    garch.to_parquet(tmp_path / "g.parquet")
    with pytest.raises(DataError, match="missing column"):
        fit_real_data(str(tmp_path / "r.parquet"), str(tmp_path / "g.parquet"),
                      SVDesign.from_params(small_sv_params()), 1, "a", "b", "c")


def test_design_grid_chunks_and_checks():
    sv = load_params(REPO / "params.yaml")["sv"]
    sv["truth"]["n"] = [100, 1000]
    design = SVDesign.from_params(sv)
    names = list(design.settings)
    assert len(names) == len(sv["truth"]["phi"]) * len(sv["truth"]["tau2"]) * len(sv["truth"]["n"])
    # Named as the workflow's wildcards, in the order phi, tau^2, n.
    assert names[:3] == ["phi0.99_tau20.0225_n100", "phi0.99_tau20.0225_n1000",
                         "phi0.99_tau20.45_n100"]
    assert design.starting_points().shape == (sv["n_chains"], 3)
    with pytest.raises(ConfigError, match="no setting named"):
        design.setting("phi0.5_tau21_n7")


def test_a_chunk_reads_its_own_setting_and_no_other_part():
    sv = load_params(REPO / "params.yaml")["sv"]
    design = SVDesign.from_params(sv)
    keys = MonteCarlo.keys(sv)
    assert not {"sv.schemes", "sv.real_data", "sv.mixture_error"} & set(keys)
    values = {key.split(".")[1]: sv[key.split(".")[1]] for key in keys}
    name = list(design.settings)[-1]
    chunk = MonteCarlo.from_params(design.narrowed(values, name))
    assert chunk.settings == {name: design.setting(name)}
    assert chunk.prior == design.prior and chunk.n_keep == design.n_keep


@pytest.mark.parametrize("n_seeds,per_job", [(50, 10), (50, 7), (4, 10), (1, 1)])
def test_sv_jobs_cover_every_replication_once(n_seeds: int, per_job: int) -> None:
    design = SVDesign.from_params({**load_params(REPO / "params.yaml")["sv"],
                                   "n_seeds": n_seeds})
    jobs = design.job_replications(per_job)
    assert [r for job in jobs for r in job] == list(range(n_seeds))
    assert all(1 <= len(job) <= per_job for job in jobs)
    assert len(jobs) == -(-n_seeds // per_job)


@pytest.mark.parametrize("edits,named", [
    ({"acf_lags": 2000}, "sv.acf_lags"),                      # n_keep is 2000
    ({"kde_replication": 50}, "sv.kde_replication"),          # n_seeds is 50
    ({"tuning": {"accept_low": 0.9}}, "sv.tuning.accept_low"),
    ({"real_data": {"n_chains": 5}}, "sv.real_data.n_chains"),
    ({"mixture_error": {"replication": 50}}, "sv.mixture_error.replication"),
    ({"mixture_error": {"batches": 1001}}, "sv.mixture_error.batches"),
    ({"truth": {"tau2": [0.45, 0.45]}}, "sv.truth.tau2"),
    ({"schemes": ["I", "V", "I"]}, "sv.schemes"),
])
def test_cross_key_rules_of_the_design(edits, named):
    with pytest.raises(ConfigError, match=f"invalid parameter '{named}'"):
        load_params(REPO / "params.yaml", overrides={"sv": edits})


@pytest.mark.slow
def test_quick_study_runs_end_to_end_in_the_dag(tmp_path, monkeypatch):
    shutil.copy(REPO / "params.yaml", tmp_path / "params.yaml")
    (tmp_path / "quick.yaml").write_text(yaml.safe_dump({"sv": small_sv_params()}))
    # The repository's DAG, run on a synthetic market instead of the prepared data.
    (tmp_path / "Snakefile").write_text(f'include: "{REPO / "Snakefile"}"\n')
    returns, garch = synthetic_market(300)
    (tmp_path / "data" / "prepared").mkdir(parents=True)
    returns.to_parquet(tmp_path / "data" / "prepared" / "returns.parquet")
    garch_dir = tmp_path / "results" / "baselines" / "garch"
    garch_dir.mkdir(parents=True)
    garch.to_parquet(garch_dir / "conditional_volatility.parquet")
    target = "results/report/sections/30_sv.json"
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", "--configfile", "quick.yaml",
           "--rerun-triggers", "mtime", "--allowed-rules", "sv_chunk_0", "sv_aggregate",
           "sv_real_data", "sv_mixture_error", "sv_report", "--", target]
    done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    monkeypatch.chdir(tmp_path)                           # the figures' paths are the run's
    html = section_html(load_section(target))
    assert '<section id="sv"' in html and "Table 2" in html
    table2 = pd.read_csv(tmp_path / "results" / "sv" / "tables" / "table2.csv")
    assert set(table2["scheme"]) == {"I", "IV", "V"}
    assert set(table2["parameter"]) == {"mu", "phi", "tau2", "h_T"}
    assert (table2["median"] >= 0).all()
    table4 = pd.read_csv(tmp_path / "results" / "sv" / "tables" / "table4.csv")
    assert {"I–IV rank ≤ 1", "paper rank ≤ 2", "I–V rank ≤ 3"} <= set(table4.columns)
    assert "φ = 0.99, τ² = 0.45, n = 60" in html and "replications with R̂ &gt; 1.1" in html
    assert 'class="findings" data-part="sv"' in html
    mixture = pd.read_csv(tmp_path / "results" / "sv" / "mixture_error.csv")
    assert set(mixture["parameter"]) == {"mu", "phi", "tau2", "h_T"}
    assert np.all(mixture["mc_error"] > 0)
    for name in ("fig1_acf.png", "fig2_densities.png", "real_volatility.png"):
        assert (tmp_path / "results" / "sv" / "figures" / name).stat().st_size > 10_000


def _sv_run(folder: Path, seeds_per_job: int, *extra: str) -> subprocess.CompletedProcess:
    """The SV study's jobs and aggregation in ``folder`` with this job size."""
    folder.mkdir(exist_ok=True)
    shutil.copy(REPO / "params.yaml", folder / "params.yaml")
    sv = {**small_sv_params(), "n_seeds": 3}
    (folder / "small.yaml").write_text(yaml.safe_dump(
        {"sv": sv, "execution": {"sv_seeds_per_job": seeds_per_job}}))
    (folder / "Snakefile").write_text(f'include: "{REPO / "Snakefile"}"\n')
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", "--configfile", "small.yaml",
           *extra, "--", "results/sv/summary.parquet"]
    return subprocess.run(cmd, cwd=folder, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_job_size_reruns_nothing_and_changes_no_table(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    for folder, per_job in ((one, 1), (two, 2)):
        done = _sv_run(folder, per_job)
        assert done.returncode == 0, done.stderr[-3000:]
    # Three jobs per (scheme, setting) in one, two in the other; the same replication files.
    assert len(list((one / "logs/benchmarks/sv").glob("chunk_*_2.tsv"))) == 3
    assert not list((two / "logs/benchmarks/sv").glob("chunk_*_2.tsv"))
    dry = _sv_run(one, 2, "--dry-run")
    assert dry.returncode == 0, dry.stderr[-3000:]
    assert "Nothing to be done" in dry.stdout + dry.stderr
    timing = ["seconds", "draws_per_second"]
    summaries = [pd.read_parquet(f / "results/sv/summary.parquet").drop(columns=timing)
                 for f in (one, two)]
    pd.testing.assert_frame_equal(*summaries)
    for table in ("table2", "table3", "table4"):
        pd.testing.assert_frame_equal(*[pd.read_csv(f / f"results/sv/tables/{table}.csv")
                                        for f in (one, two)])
