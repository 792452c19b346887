"""docs/results.md is rendered from the results files and benchmark logs, never typed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from synthvol import resultsdoc


def test_tables_and_part_times_are_rendered_from_the_files(tmp_path: Path) -> None:
    results, logs = tmp_path / "results", tmp_path / "logs" / "benchmarks"
    (results / "evaluation").mkdir(parents=True)
    pd.DataFrame({"source": ["sbts", "a|b"], "discriminative": [0.123456, float("nan")]}) \
        .to_csv(results / "evaluation" / "scores.csv", index=False)
    (logs / "sv").mkdir(parents=True)
    for i, (s, cpu) in enumerate([(1.5, 1.0), (2.25, 2.0)]):
        pd.DataFrame({"s": [s], "cpu_time": [cpu]}).to_csv(logs / "sv" / f"j{i}.tsv", sep="\t",
                                                           index=False)
    text = resultsdoc.render(results, logs)
    assert text.startswith(resultsdoc.HEADER)
    assert f"From `{results.as_posix()}/evaluation/scores.csv`." in text
    assert "| source | discriminative |\n|---|---|\n| sbts | 0.1235 |\n| a\\|b |  |" in text
    assert "| sv | 2 | 3.8 | 3 |" in text                    # wall 1.5 + 2.25, CPU 1 + 2
    assert "sv/tables/table2.csv" not in text                 # absent files are left out


def test_missing_results_folder_is_one_clear_line(tmp_path: Path, capsys) -> None:
    assert resultsdoc.main([str(tmp_path / "nowhere"), str(tmp_path / "out.md")]) == 1
    assert capsys.readouterr().err.strip() == (
        f"error: {tmp_path / 'nowhere'}: no such folder (run the study first)")
    assert not (tmp_path / "out.md").exists()


def test_calibration_reads_both_scores_at_both_seeds_side_by_side(tmp_path: Path) -> None:
    bench = tmp_path / "benchmarks"
    bench.mkdir()
    for name, rate in (("calibration.csv", 0.05), ("calibration_fresh_seed.csv", 0.15)):
        pd.DataFrame({"score": ["published", "headline"], "market": "sv", "generator": "true",
                      "rejection_rate": [0.5, rate], "worse_rate": [0.25, rate]}) \
            .to_csv(bench / name, index=False)
    table = resultsdoc.calibration_side_by_side(tmp_path)
    assert list(table.columns) == ["generator", "headline, study seed, sv",
                                   "headline, seed 20261207, sv", "published, study seed, sv",
                                   "published, seed 20261207, sv"]
    assert table.iloc[0].tolist() == ["true", "5% (5%)", "15% (15%)", "50% (25%)", "50% (25%)"]
    assert resultsdoc.calibration_side_by_side(tmp_path / "none").empty
