"""The page's URL (wijksim.app.link): what a link reads, what the page writes, what is ignored."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs

from helpers import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from wijksim.app.link import LEVER_PARAMS, apply_link, parse_query, query_for
from wijksim.app.session import (
    CYCLES,
    LEVER_SPECS,
    PRACTICE_LINKS,
    STRUCTURES,
    Levers,
    Settings,
    list_presets,
    settings_for_preset,
)
from wijksim.codes import PARTNER_KINDS

PRESETS = list_presets(ROOT / "configs")


def on_grid(name: str) -> st.SearchStrategy[float]:
    spec = LEVER_SPECS[name]
    steps = round((spec.hi - spec.lo) / spec.step)
    return st.integers(0, steps).map(lambda i: round(spec.lo + i * spec.step, 4))


page_levers = st.builds(
    Levers,
    structure=st.sampled_from(STRUCTURES),
    fte_per_1000=on_grid("fte_per_1000"),
    outreach_share=on_grid("outreach_share"),
    partners=st.sets(st.sampled_from(PARTNER_KINDS)).map(
        lambda s: tuple(k for k in PARTNER_KINDS if k in s)),
    network_first=on_grid("network_first"),
    maatwerk_stage=st.integers(1, 4),
    reallocate=st.booleans(),
    practice_link=st.sampled_from(PRACTICE_LINKS),
    cycle_weeks=st.sampled_from(CYCLES),
)


@settings(max_examples=200, deadline=None)
@given(levers=page_levers, seed=st.integers(0, 2**32 - 1),
       households=st.none() | st.integers(100, 50_000), preset=st.sampled_from(PRESETS))
def test_a_written_url_reads_back_as_the_same_scenario(levers, seed, households, preset):
    shown = Settings(preset=preset, seed=seed, households=households, levers=levers)
    query = query_for(shown)
    asked = parse_query(query, PRESETS)
    assert asked.ignored == () and asked.preset == preset and asked.seed == seed
    other = Settings(preset=preset, seed=999, levers=Levers(structure="integrated",
                                                            partners=("gp",)))
    assert apply_link(asked, other) == shown  # every lever is in the URL, not only changed ones
    names = set(parse_qs(query, keep_blank_values=True))
    assert {"preset", "seed", *LEVER_PARAMS} <= names


def test_a_link_sets_what_it_names_and_the_preset_the_rest():
    asked = parse_query("preset=early_signalling&seed=7&fte_per_1000=0.8&team_structure="
                        "integrated&partners=school,gp&maatwerk_stage=3&outreach_share=0.2",
                        PRESETS)
    own = settings_for_preset("early_signalling", folder=ROOT / "configs")
    got = apply_link(asked, own)
    assert (got.preset, got.seed, got.households) == ("early_signalling", 7, None)
    assert got.levers == replace(own.levers, fte_per_1000=0.8, structure="integrated",
                                 partners=("school", "gp"), maatwerk_stage=3,
                                 outreach_share=0.2)
    assert got.levers.network_first == own.levers.network_first  # not named: the preset's


def test_bad_values_are_ignored_and_listed_never_raised():
    asked = parse_query("preset=calibratedx&seed=12abc&fte_per_1000=9&outreach_share=NaN&"
                        "team_structure=matrix&partners=school,bakery&maatwerk_stage=2.5&"
                        "reallocate=maybe&cycle_weeks=20&households=5&colour=red&"
                        "network_first=0.5", PRESETS)
    assert asked.preset is None and asked.seed is None and asked.households is None
    assert asked.levers == (("network_first", 0.5),)  # the one good value is kept
    assert set(asked.ignored) == {
        "preset=calibratedx", "seed=12abc", "fte_per_1000=9", "outreach_share=NaN",
        "team_structure=matrix", "partners=school,bakery", "maatwerk_stage=2.5",
        "reallocate=maybe", "cycle_weeks=20", "households=5", "colour=red"}
    for junk in ("", "?", "&&", "seed", "=1", "%zz=%zz", "preset=" + "x" * 5000):
        parse_query(junk, PRESETS)  # no exception


def test_numbers_between_slider_steps_go_to_the_nearest_step():
    asked = parse_query("fte_per_1000=0.73&outreach_share=0.104&partners=", PRESETS)
    assert dict(asked.levers) == {"fte_per_1000": 0.75, "outreach_share": 0.1, "partners": ()}
    assert asked.ignored == ()
