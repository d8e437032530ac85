"""The KPI table (wijksim.kpis): one complete entry per output column, the contract kept."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from wijksim import kpis
from wijksim.kpis import COLUMNS, COUNTS, EXTRA, GROUPS, KPIS, TABLE, Kpi

#: The KPI columns of DESIGN.md ("Interfaces users will rely on"), in output order: a contract.
CONTRACT = (
    "escalations_per_1000", "time_to_help_weeks", "early_contact_share", "waiting_list",
    "wait_weeks", "non_maatwerk_share", "maatwerk_per_1000", "wmo_per_1000", "youth_care_share",
    "debt_share", "wlz_per_1000", "workload", "turnover_rate", "vacancies", "signals_per_1000",
    "carer_overload_share", "unmet_need", "cost_total", "cost_team", "cost_maatwerk", "cost_wlz",
    "cost_sociale_basis", "cost_crisis",
)
#: Further measures (the gemeente's and CBS's views), after the contract KPIs.
MEASURES = (
    "time_to_contact_weeks", "time_to_support_weeks", "wmo_clients_year_per_1000",
    "youth_care_year_share", "wmo_ending_rate", "wmo_death_share", "wmo_to_wlz_rate",
    "debt_relief_per_1000",
    "reintegration_per_1000", "waiting_list_per_1000", "multi_problem_escalations_per_1000",
    "over_term_share", "basis_per_1000", "fte_per_1000_realised", "capacity_mismatch",
    "cost_gemeente", "cost_other",
    "cost_wmo", "cost_youth", "cost_reintegration", "cost_debt_relief",
)
#: The diagnostic columns and counts, in output order.
DIAGNOSTICS = (
    "crises_per_1000", "in_support", "signalled", "households_with_need", "workers",
    "sick_workers", "caseload_mean", "partner_relation",
)
COUNTED = (
    "admissions", "maatwerk_grants", "network_plans", "basis_plans", "eligible_decisions",
    "conversations", "alt_solved", "alt_failed", "alt_maatwerk", "step_ups", "renewals",
    "to_basis", "wlz_entries", "signals_partner", "signals_help", "signals_outreach",
    "signals_crisis", "signals_kept_in_touch", "referrals", "first_contacts", "escalations",
    "new_needs", "deaths", "wlz_deaths", "moves", "followups", "brief_advice", "closures",
    "sick_spells", "hires", "reallocations",
)


@pytest.fixture(scope="module")
def small_run():
    """A tiny model run two weeks: its recorded columns and the values it computed last."""
    from wijksim.model import WijkModel

    model = WijkModel(rng=1, households=200, weeks=2, warmup_weeks=0, spinup_years=0)
    model.run()
    return model.datacollector.get_model_vars_dataframe(), model.kpis


def test_every_recorded_column_has_a_complete_entry_and_every_entry_is_recorded(small_run):
    frame, computed = small_run
    recorded = [c for c in frame.columns if c not in ("week", "seed")]  # the run's ids
    assert len(frame) == 2 and set(frame["seed"]) == {1}
    assert recorded == list(COLUMNS), "the DataCollector's columns and the KPI table differ"
    assert set(computed) == set(COLUMNS), (
        f"computed without an entry: {sorted(set(computed) - set(COLUMNS))}; "
        f"entries not computed: {sorted(set(COLUMNS) - set(computed))}"
    )
    for column in recorded:
        entry = kpis.get(column)
        empty = [f.name for f in fields(Kpi) if not str(getattr(entry, f.name)).strip()]
        assert not empty, f"{column}: empty {empty}"
        assert entry.group in GROUPS, column


def test_column_names_and_order_are_the_contract():
    assert KPIS == CONTRACT
    assert list(EXTRA) == [*MEASURES, *DIAGNOSTICS, *COUNTED, "inhabitants", "under_23"]
    assert COUNTS == COUNTED
    assert COLUMNS == KPIS + EXTRA
    assert [k.name for k in TABLE] == list(COLUMNS)
    assert len(set(COLUMNS)) == len(COLUMNS)


def test_labels_are_distinct_and_translated():
    for lang in ("en", "nl"):
        labels = [k.label(lang) for k in TABLE]
        twice = {label for label in labels if labels.count(label) > 1}
        assert not twice, f"{lang}: one label for two columns: {twice}"
    long_and_same = [k.name for k in TABLE
                     if k.unit_en == k.unit_nl and len(k.unit_en) > 12
                     or k.label_en == k.label_nl and len(k.label_en) > 12]
    assert not long_and_same, f"not translated: {long_and_same}"


def test_label_and_unit_by_language():
    entry = kpis.get("waiting_list")
    assert (entry.label("en"), entry.unit("en")) == ("Waiting list", "households")
    assert (entry.label("nl"), entry.unit("nl")) == ("Wachtlijst", "huishoudens")
    with pytest.raises(ValueError, match="unknown language"):
        entry.label("de")
    with pytest.raises(KeyError):
        kpis.get("no_such_column")


def test_the_table_is_data_only():
    """The CLI reads it cheaply: importing it loads neither numpy, numba nor the model."""
    code = ("import sys, wijksim.kpis; heavy = [m for m in ('numpy', 'numba', 'wijksim.model') "
            "if m in sys.modules]; print(heavy); sys.exit(bool(heavy))")
    src = str(Path(kpis.__file__).resolve().parents[1])  # this checkout, not an installed copy
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": src})
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_count_is_a_field_of_the_week_record():
    """A count column reads a WeekRecord field by name: a misspelt name must not read as 0."""
    from dataclasses import fields

    from wijksim.state import WeekRecord

    names = {f.name for f in fields(WeekRecord)}
    assert set(COUNTS) <= names, sorted(set(COUNTS) - names)
    record = WeekRecord(n_wijken=1)
    with pytest.raises(AttributeError):
        record.no_such_tally += 1
