"""Simulated markets with known processes and the generators that calibrate the evaluation.

A market is the training split of a simulated series as long as the study's (5,000 daily
returns), cut the way the study cuts S&P (:mod:`synthvol.data.prepare`): a time-block
hold-out (blocks of 250 returns, 20% held out), windows of 60 with stride 1 wholly inside
training blocks or wholly inside held-out blocks, min-max scaled to [−1, 1] on the training
blocks. Two processes, with S&P-like parameters:

* ``garch_t``: GARCH(1,1) with Student-t innovations; α = 0.09, β = 0.90, ν = 6.5 and an
  unconditional daily sd of 1.2% (a GARCH-t fit of arch's S&P 500 series, 1999–2018, gives
  α = 0.099, β = 0.900, ν = 6.5 and sd 1.2%; its persistence 0.9996 is lowered to 0.99 so that
  5,000 returns show the process rather than one long excursion);
* ``sv``: log-normal stochastic volatility ``y_t = exp(h_t/2) ε_t``,
  ``h_t = μ + φ(h_{t−1} − μ) + τ η_t``, φ = 0.98, τ = 0.2, μ giving the same sd of 1.2%.

Generators (:func:`market_generators`), each a set of windows scaled like the real ones:
``true`` (fresh independent windows of the true process, each from its own path after a
burn-in), ``iid_normal`` (iid normal returns of the training returns' mean and variance),
``garch_gaussian`` (GARCH(1,1) with Gaussian innovations, α and β as above, the training
returns' variance), ``copy_floor`` (training windows plus noise at the ``true`` windows'
median nearest-neighbour distance, :func:`~.memorisation.matched_copies`) and
``block_shuffle`` (the training blocks' returns shuffled in blocks of 10, then windowed).

Each generator, and ``real_train``, is scored against the held-out windows by each score
asked for (:data:`Scorer`: the headline test, :func:`headline_scorer`; the published
protocol's GRU discriminative score, :func:`published_scorer`) and gets that score's verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthvol.data.prepare import BlockHoldout, MinMaxScaler, holdout_mask, side_window_starts
from synthvol.errors import DataError
from synthvol.evaluation.memorisation import MemorisationReference, matched_copies, memorises
from synthvol.evaluation.scores import (
    ScoreSettings,
    ScoreSummary,
    discriminative_scores,
    run_seeds,
)
from synthvol.evaluation.twosample import HeadlineSettings, Windows, headline_test
from synthvol.evaluation.verdicts import Scores, family_scores, verdict
from synthvol.progress import Progress, get_logger
from synthvol.seeds import derive_seed, rng

MARKETS = ("garch_t", "sv")
GENERATORS = ("true", "iid_normal", "garch_gaussian", "copy_floor", "block_shuffle")
#: The study's cut (params.yaml data section) and length of the training split.
N_RETURNS, WINDOW_LENGTH, HOLDOUT = 5000, 60, BlockHoldout(250, 0.2)
FEATURE_RANGE = (-1.0, 1.0)
DAILY_SD = 0.012
#: Steps simulated and dropped before a GARCH path is kept.
BURN_IN = 500
#: Returns per block of the block-shuffled generator.
SHUFFLE_BLOCK = 10

logger = get_logger("evaluation.markets")


@dataclass(frozen=True)
class Garch:
    """GARCH(1,1) ``σ²_t = ω + α r²_{t−1} + β σ²_{t−1}``, innovations unit-variance Student-t
    with ``nu`` degrees of freedom, or Gaussian when ``nu`` is None."""

    alpha: float
    beta: float
    nu: float | None
    variance: float        # unconditional variance ω / (1 − α − β)

    def simulate(self, n_paths: int, length: int, draws: np.random.Generator) -> np.ndarray:
        """``(n_paths, length)`` returns after a burn-in of :data:`BURN_IN` steps."""
        total = BURN_IN + length
        if self.nu is None:
            shocks = draws.standard_normal((total, n_paths))
        else:
            shocks = draws.standard_t(self.nu, (total, n_paths)) * np.sqrt((self.nu - 2) / self.nu)
        omega = self.variance * (1.0 - self.alpha - self.beta)
        var = np.full(n_paths, self.variance)
        out = np.empty((total, n_paths))
        for t in range(total):
            out[t] = np.sqrt(var) * shocks[t]
            var = omega + self.alpha * out[t] ** 2 + self.beta * var
        return out[BURN_IN:].T.copy()


@dataclass(frozen=True)
class StochasticVolatility:
    """Log-normal SV with ``h`` started from its stationary law (no burn-in needed)."""

    phi: float
    tau: float
    variance: float        # unconditional variance E[exp(h)]

    def simulate(self, n_paths: int, length: int, draws: np.random.Generator) -> np.ndarray:
        """``(n_paths, length)`` returns."""
        h_var = self.tau ** 2 / (1.0 - self.phi ** 2)
        mu = np.log(self.variance) - 0.5 * h_var
        h = mu + np.sqrt(h_var) * draws.standard_normal(n_paths)
        eta = draws.standard_normal((length, n_paths))
        eps = draws.standard_normal((length, n_paths))
        out = np.empty((length, n_paths))
        for t in range(length):
            out[t] = np.exp(0.5 * h) * eps[t]
            h = mu + self.phi * (h - mu) + self.tau * eta[t]
        return out.T.copy()


PROCESSES = {"garch_t": Garch(0.09, 0.90, 6.5, DAILY_SD ** 2),
             "sv": StochasticVolatility(0.98, 0.2, DAILY_SD ** 2)}


@dataclass(frozen=True)
class SimulatedMarket:
    """A simulated training split cut like the study's, with its scaled windows."""

    kind: str
    returns: np.ndarray       # (N_RETURNS,) the training split
    held: np.ndarray          # bool per return: in a held-out block
    scaler: MinMaxScaler      # fitted on the training blocks
    train: Windows            # scaled training-block windows (series "real")
    heldout: Windows          # scaled held-out-block windows (series "real")

    @property
    def process(self) -> Garch | StochasticVolatility:
        """The true process."""
        return PROCESSES[self.kind]


def simulate_market(kind: str, seed: int, *keys: object) -> SimulatedMarket:
    """One market of ``kind`` from the stream ``keys``."""
    if kind not in PROCESSES:
        raise DataError(f"unknown market '{kind}', expected one of {', '.join(MARKETS)}")
    returns = PROCESSES[kind].simulate(1, N_RETURNS, rng(seed, "market", kind, *keys))[0]
    held = holdout_mask(N_RETURNS, HOLDOUT, seed, "market", kind, *keys)
    scaler = MinMaxScaler.fit(returns[~held], *FEATURE_RANGE)
    train_starts, held_starts = side_window_starts(held, WINDOW_LENGTH)
    cut = Windows.cut(scaler.transform(returns)[None, :], WINDOW_LENGTH)

    def side(starts: np.ndarray) -> Windows:
        w = cut.take(starts)
        return Windows(w.values, w.path, w.start, "real")

    return SimulatedMarket(kind, returns, held, scaler, side(train_starts), side(held_starts))


def market_generators(market: SimulatedMarket, reference: MemorisationReference, n: int,
                      seed: int, *keys: object) -> dict[str, Windows]:
    """The five calibration generators' windows (``n`` of each; block_shuffle: all its
    stride-1 windows), scaled with the market's scaler; ``reference`` is the market's
    memorisation reference, which matches the copy floor."""
    length, scale = WINDOW_LENGTH, market.scaler.transform
    train_returns = market.returns[~market.held]
    mean, var = float(train_returns.mean()), float(train_returns.var())
    draws = {g: rng(seed, "generator", g, *keys) for g in GENERATORS}
    true = scale(market.process.simulate(n, length, draws["true"]))
    iid = scale(mean + np.sqrt(var) * draws["iid_normal"].standard_normal((n, length)))
    garch = scale(Garch(0.09, 0.90, None, var).simulate(n, length, draws["garch_gaussian"]))
    copies = matched_copies(reference, n, reference.score(true).median_nn, (length,), seed,
                            "generator", "copy_floor", *keys).windows
    n_blocks = len(train_returns) // SHUFFLE_BLOCK
    blocks = train_returns[: n_blocks * SHUFFLE_BLOCK].reshape(n_blocks, SHUFFLE_BLOCK)
    shuffled = blocks[draws["block_shuffle"].permutation(n_blocks)].ravel()
    return {"true": Windows.independent(true), "iid_normal": Windows.independent(iid),
            "garch_gaussian": Windows.independent(garch),
            "copy_floor": Windows.independent(copies),
            "block_shuffle": Windows.cut(scale(shuffled)[None, :], length)}


#: A score of the calibration: the statistics (name -> ``(value, SE)``, lower is better) of
#: each named set of candidate windows (``real_train`` among them) against the market's
#: held-out windows; called with the market, the windows by name and the market's seed keys.
Scorer = Callable[[SimulatedMarket, Mapping[str, Windows], int, str, int], dict[str, Scores]]


def headline_scorer(settings: HeadlineSettings) -> Scorer:
    """The headline two-sample test's AUC and its block-bootstrap SE, per classifier family."""
    def score(market: SimulatedMarket, sources: Mapping[str, Windows], seed: int, kind: str,
              index: int) -> dict[str, Scores]:
        out = {}
        for name, windows in sources.items():
            out[name] = family_scores(headline_test(
                market.heldout, windows, settings,
                derive_seed(seed, "calibration", kind, index, name)))
        return out
    return score


def published_scorer(settings: ScoreSettings) -> Scorer:
    """The published protocol's GRU discriminative score (mean and SE over its runs), of each
    candidate against the held-out windows as the Stocks benchmark's held-out score; the
    GRUs of all candidates' runs train side by side (:func:`~.scores.discriminative_scores`)."""
    def score(market: SimulatedMarket, sources: Mapping[str, Windows], seed: int, kind: str,
              index: int) -> dict[str, Scores]:
        seeds = {name: run_seeds(settings.n_runs, seed, "calibration", "published", kind, index,
                                 name) for name in sources}
        values = iter(discriminative_scores([(market.heldout.values, windows.values, s)
                                             for name, windows in sources.items()
                                             for s in seeds[name]], settings))
        summaries = {name: ScoreSummary(tuple(next(values) for _ in seeds[name]))
                     for name in sources}
        return {name: {"gru": (s.mean, s.se)} for name, s in summaries.items()}
    return score


def market_verdicts(kind: str, index: int, scorers: Mapping[str, Scorer], n_samples: int,
                    seed: int) -> list[dict[str, object]]:
    """Verdict of each generator on market ``index`` of ``kind`` by each score of
    ``scorers``: its value against the held-out windows beside ``real_train``'s (training
    windows against held-out ones), and the memorisation checks' flag (one per generator,
    shared by the scores)."""
    market = simulate_market(kind, seed, index)
    reference = MemorisationReference(market.train.values, market.heldout.values,
                                      market.train.start)
    generators = market_generators(market, reference, n_samples, seed, index)
    memo = {name: reference.score(windows.values) for name, windows in generators.items()}
    flagged = {name: memorises(checks.to_dict()) for name, checks in memo.items()}
    rows = []
    for score, scorer in scorers.items():
        values = scorer(market, {"real_train": market.train, **generators}, seed, kind, index)
        real = values["real_train"]
        for name in generators:
            mine = values[name]
            rows.append({"score": score, "market": kind, "index": index, "generator": name,
                         **statistic_columns(mine, real), "nn_ratio": memo[name].nn_ratio,
                         "share_closer_q05": memo[name].share_closer_q05,
                         "share_nndr_q05": memo[name].share_nndr_q05,
                         "memorises": flagged[name],
                         "worse": verdict(mine, real, False) == "worse",
                         "verdict": verdict(mine, real, flagged[name])})
    return rows


def statistic_columns(scores: Scores, real_train: Scores) -> dict[str, float]:
    """A source's and ``real_train``'s statistics as per-market columns: the first statistic
    (the headline's MiniRocket AUC, the published protocol's score) as ``value``, ``se``,
    ``real_train_value`` and ``real_train_se``; any other (the tail family) with its name
    before each (``tails_value`` …)."""
    columns = {}
    for i, name in enumerate(scores):
        prefix = "" if i == 0 else f"{name}_"
        columns |= {f"{prefix}value": scores[name][0], f"{prefix}se": scores[name][1],
                    f"real_train_{prefix}value": real_train[name][0],
                    f"real_train_{prefix}se": real_train[name][1]}
    return columns


def rejection_table(per_market: pd.DataFrame) -> pd.DataFrame:
    """Per (score, market, generator): markets, share rejected (verdict ``worse`` or
    ``memorises``) with its binomial standard error, the share for each of the two reasons
    on its own (the score's 2-SE rule's ``worse`` whatever the memorisation flag, and the
    flag), and the mean values of the score (the headline's AUC, the published protocol's
    ``|accuracy − 0.5|``)."""
    rows = []
    for (score, market, generator), part in per_market.groupby(
            ["score", "market", "generator"], sort=False):
        n = len(part)
        rate = float((part["verdict"] != "indistinguishable").mean())
        rows.append({"score": score, "market": market, "generator": generator,
                     "n_markets": n, "rejection_rate": rate,
                     "rejection_rate_se": float(np.sqrt(rate * (1.0 - rate) / n)),
                     "worse_rate": float(part["worse"].mean()),
                     "memorises_rate": float(part["memorises"].mean()),
                     "mean_value": float(part["value"].mean()),
                     "mean_real_train_value": float(part["real_train_value"].mean())})
    return pd.DataFrame(rows)


def replace_runs(kept: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """``kept``'s rows of a (score, market kind) that ``rows`` lacks, then ``rows``: separate
    runs of each score or kind add up to one table, a rerun replaces its own rows."""
    keys = ["score", "market"]
    ran = pd.MultiIndex.from_frame(rows[keys])
    return pd.concat([kept[~pd.MultiIndex.from_frame(kept[keys]).isin(ran)], rows],
                     ignore_index=True)


def calibrate(n_markets: int, scorers: Mapping[str, Scorer], seed: int, n_samples: int = 1000,
              markets: tuple[str, ...] = MARKETS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Size (``true`` rejected) and power (the others rejected) of each score's verdict
    (``scorers``: score name -> scorer) over ``n_markets`` simulated markets of each kind:
    the rejection table and the per-market rows behind it. One progress line, with an ETA,
    per market."""
    if n_markets < 1:
        raise DataError(f"calibration needs at least 1 market per kind, got {n_markets}")
    if not scorers:
        raise DataError("calibration needs at least one score")
    progress = Progress("calibration markets", n_markets * len(markets), every=1)
    rows = []
    for kind in markets:
        for index in range(n_markets):
            found = market_verdicts(kind, index, scorers, n_samples, seed)
            for score in scorers:
                mine = [r for r in found if r["score"] == score]
                logger.info("%s market %d, %s: real_train %.3f ± %.3f; %s", kind, index, score,
                            mine[0]["real_train_value"], mine[0]["real_train_se"],
                            ", ".join(f"{r['generator']} {r['value']:.3f} ± {r['se']:.3f} "
                                      f"{r['verdict']}" for r in mine))
            rows += found
            progress.advance()
    per_market = pd.DataFrame(rows)
    return rejection_table(per_market), per_market
