"""Scenario configs: defaults, ``extends``, validation errors, ``--set`` parsing, levers, TOML."""

from __future__ import annotations

import numpy as np
import pytest

from wijksim.codes import PROVISIONS
from wijksim.config import (
    FLAT_FIELDS,
    LEVERS,
    Config,
    baseline_levers,
    dump_toml,
    get_dotted,
    load_config,
    parse_set,
    parse_value,
    plain_value,
    set_dotted,
    with_flat,
)
from wijksim.errors import ConfigError


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- defaults


def test_defaults_are_the_baseline_contract_fields():
    cfg = load_config()
    assert cfg == Config()
    assert cfg.run.seed == 1
    assert cfg.run.weeks == 260
    assert cfg.run.warmup_weeks == 52
    assert cfg.run.warmup_levers == "baseline"
    assert cfg.population.households == 5000
    assert cfg.population.wijken == 1
    assert cfg.team.structure == "siloed"
    assert cfg.team.fte_per_1000 == 0.5
    assert cfg.team.outreach_share == 0.02
    assert cfg.team.caseload_cap == 22
    assert cfg.signalling.partners == []
    assert cfg.policy.network_first == 0.0
    assert cfg.policy.maatwerk_stage == 2
    assert abs(sum(cfg.population.type_shares) - 1.0) < 1e-9


def test_load_config_with_flat_keywords_and_overrides():
    cfg = load_config(None, [("team.caseload_cap", 9)], households=120, team_structure="integrated")
    assert cfg.team.caseload_cap == 9
    assert cfg.population.households == 120
    assert cfg.team.structure == "integrated"


def test_every_flat_field_points_at_a_real_field():
    cfg = Config()
    for flat, dotted in FLAT_FIELDS.items():
        get_dotted(cfg, dotted)  # raises AttributeError for a stale mapping
        assert flat  # names are non-empty


def test_plain_value_turns_numpy_and_tuples_into_plain_data():
    value = {1: (np.int64(3), np.float64(0.5)), "a": np.array([[1, 2]]), "b": [np.str_("gp")],
             "c": np.bool_(True), "d": np.array(2.5), "e": float("nan"), "f": "x"}
    plain = plain_value(value)
    assert plain == {"1": [3, 0.5], "a": [[1, 2]], "b": ["gp"], "c": True, "d": 2.5,
                     "e": plain["e"], "f": "x"}
    assert type(plain["1"][0]) is int and type(plain["c"]) is bool and np.isnan(plain["e"])
    assert plain_value({"e": np.float64("nan"), "g": [float("nan")]}, nan_as_none=True) == {
        "e": None, "g": [None]}
    cfg = with_flat(Config(), partners=(np.str_("gp"),), households=np.int64(80))
    assert cfg.signalling.partners == ["gp"] and cfg.population.households == 80


def test_dotted_fields_read_and_set_configs_and_raw_data():
    cfg = Config()
    data = cfg.model_dump(mode="python")
    for dotted in ("team.outreach_share", "needs.chronic.care", "costs.crisis.care"):
        assert get_dotted(data, dotted) == get_dotted(cfg, dotted)
    set_dotted(data, "needs.chronic.care", 0.5)
    assert get_dotted(data, "needs.chronic.care") == 0.5
    assert Config.model_validate(data).needs.chronic.care == 0.5
    with pytest.raises(KeyError):
        get_dotted(data, "team.nope")
    with pytest.raises(ConfigError):
        set_dotted(data, "team.outreach_share.deeper", 1)  # not a table


# --------------------------------------------------------------------------- extends


def test_extends_merges_tables_key_by_key(tmp_path):
    write(
        tmp_path / "base" / "parent.toml",
        """
description = "parent"
[team]
outreach_share = 0.3
caseload_cap = 10
[costs.crisis]
care = 1000
youth = 2000
income = 3000
debt = 4000
social = 5000
""",
    )
    child = write(
        tmp_path / "child.toml",
        """
extends = "base/parent.toml"
[team]
outreach_share = 0.1
[costs.crisis]
care = 7777
""",
    )
    cfg = load_config(child)
    assert cfg.team.outreach_share == 0.1  # the child wins
    assert cfg.team.caseload_cap == 10  # inherited from the parent, same table
    assert cfg.costs.crisis.care == 7777
    assert cfg.costs.crisis.youth == 2000  # nested table merged, not replaced
    assert cfg.costs.crisis.social == 5000
    assert cfg.team.structure == "siloed"  # untouched default
    assert cfg.description == ""  # descriptions are not inherited
    assert cfg.extends == "base/parent.toml"


def test_extends_chain_of_three_and_set_overrides_last(tmp_path):
    write(tmp_path / "a.toml", "[run]\nweeks = 10\nwarmup_weeks = 3\n[team]\ncaseload_cap = 5\n")
    write(tmp_path / "b.toml", 'extends = "a.toml"\n[run]\nweeks = 20\n')
    c = write(tmp_path / "c.toml", 'extends = "b.toml"\n[team]\ncaseload_cap = 6\n')
    cfg = load_config(c, parse_set(["run.warmup_weeks=4"]))
    assert cfg.run.weeks == 20
    assert cfg.run.warmup_weeks == 4
    assert cfg.team.caseload_cap == 6


def test_circular_extends_is_an_error(tmp_path):
    write(tmp_path / "a.toml", 'extends = "b.toml"\n')
    b = write(tmp_path / "b.toml", 'extends = "a.toml"\n')
    with pytest.raises(ConfigError) as info:
        load_config(b)
    assert info.value.field == "extends"
    assert "circular" in info.value.message


def test_self_extends_is_circular(tmp_path):
    a = write(tmp_path / "a.toml", 'extends = "a.toml"\n')
    with pytest.raises(ConfigError, match="circular"):
        load_config(a)


def test_extends_missing_parent_names_the_field(tmp_path):
    a = write(tmp_path / "a.toml", 'extends = "nowhere.toml"\n')
    with pytest.raises(ConfigError) as info:
        load_config(a)
    assert info.value.field == "extends"
    assert info.value.source == str(a)


def test_extends_must_be_a_string(tmp_path):
    a = write(tmp_path / "a.toml", "extends = 3\n")
    with pytest.raises(ConfigError) as info:
        load_config(a)
    assert info.value.field == "extends"


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[team]\nfoo = 1\n", "team.foo"),
        ("[bogus]\nx = 1\n", "bogus"),
        ("colour = 'red'\n", "colour"),
        (
            "[costs.crisis]\ncare = 1\nyouth = 1\nincome = 1\ndebt = 1\nsocial = 1\n"
            "wmo = 1\n",
            "costs.crisis.wmo",
        ),
    ],
)
def test_unknown_key_names_the_field(tmp_path, text, field):
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    err = info.value
    assert err.field == field
    assert err.message == "unknown key"
    assert err.source == str(path)
    assert err.one_line() == f"error: {path}: {field}: unknown key"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[team]\noutreach_share = 1.5\n", "team.outreach_share"),
        ("[team]\noutreach_share = -0.1\n", "team.outreach_share"),
        ("[team]\ncaseload_cap = 0\n", "team.caseload_cap"),
        ("[team]\nfte_per_1000 = 0\n", "team.fte_per_1000"),
        ("[policy]\nmaatwerk_stage = 5\n", "policy.maatwerk_stage"),
        ("[policy]\nnetwork_first = 2\n", "policy.network_first"),
        ("[population]\nhouseholds = 3\n", "population.households"),
        ("[population]\ntype_shares = [0.5, 0.5, 0.5, 0.5]\n", "population.type_shares"),
        ("[run]\nweeks = 0\n", "run.weeks"),
    ],
)
def test_out_of_range_names_the_field(tmp_path, text, field):
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.field == field
    assert "\n" not in info.value.one_line()


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('[team]\ncaseload_cap = "many"\n', "team.caseload_cap"),
        ("[team]\ncaseload_cap = 22.5\n", "team.caseload_cap"),
        ('[team]\nstructure = "matrix"\n', "team.structure"),
        ("[team]\nstructure = 1\n", "team.structure"),
        ('[signalling]\npartners = "school"\n', "signalling.partners"),
        ('[signalling]\npartners = ["pub"]\n', "signalling.partners.0"),
        ('[signalling]\npartners = ["gp", "gp"]\n', "signalling.partners"),
        ("team = 3\n", "team"),
        ("[population]\nnetwork_degree = [1, 2]\n", "population.network_degree"),
    ],
)
def test_wrong_type_names_the_field(tmp_path, text, field):
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.field == field


def test_invalid_toml(tmp_path):
    path = write(tmp_path / "bad.toml", "[team\noutreach_share = \n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.field == "toml"
    assert info.value.source == str(path)
    assert "invalid TOML" in info.value.message


def test_missing_file(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.field == "file"
    assert info.value.source == str(path)


def test_directory_is_not_a_config(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert info.value.field == "file"


def test_unreadable_bytes(tmp_path):
    path = tmp_path / "bin.toml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError):
        load_config(path)


# --------------------------------------------------------------------------- --set


def test_parse_set_reads_toml_values():
    got = dict(
        parse_set(
            [
                "team.outreach_share=0.2",
                "team.structure=integrated",
                'signalling.partners=["school", "gp"]',
                "run.seed = 3",
                "policy.closure_rule='fixed'",
            ]
        )
    )
    assert got["team.outreach_share"] == 0.2
    assert isinstance(got["team.outreach_share"], float)
    assert got["team.structure"] == "integrated"  # a bare word is a string
    assert got["signalling.partners"] == ["school", "gp"]
    assert got["run.seed"] == 3
    assert isinstance(got["run.seed"], int)
    assert got["policy.closure_rule"] == "fixed"


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.2", 0.2), ("12", 12), ("true", True), ("siloed", "siloed"), ("[1, 2]", [1, 2])],
)
def test_parse_value(text, value):
    got = parse_value(text)
    assert got == value
    assert type(got) is type(value)


@pytest.mark.parametrize("item", ["team.outreach_share", "=0.2", "outreach_share=0.2"])
def test_parse_set_rejects_malformed_items(item):
    with pytest.raises(ConfigError):
        parse_set([item])


def test_set_overrides_are_validated():
    with pytest.raises(ConfigError) as info:
        load_config(None, parse_set(["team.outreach_share=1.5"]))
    assert info.value.field == "team.outreach_share"
    with pytest.raises(ConfigError) as info:
        load_config(None, parse_set(["team.nonsense=1"]))
    assert info.value.field == "team.nonsense"


# --------------------------------------------------------------------------- flat parameters


def test_with_flat_unknown_name_raises():
    with pytest.raises(ConfigError) as info:
        with_flat(Config(), outreach=0.2)
    assert info.value.field == "outreach"


def test_with_flat_takes_numpy_scalars_and_tuples_and_copies():
    base = Config()
    cfg = with_flat(
        base,
        outreach_share=np.float64(0.25),
        caseload_cap=np.int64(7),
        partners=("school", "gp"),
    )
    assert cfg.team.outreach_share == 0.25
    assert type(cfg.team.outreach_share) is float
    assert cfg.team.caseload_cap == 7
    assert cfg.signalling.partners == ["school", "gp"]
    assert base == Config()  # the input is not changed
    copy = with_flat(base)
    assert copy == base and copy is not base


def test_with_flat_validates():
    with pytest.raises(ConfigError) as info:
        with_flat(Config(), fte_per_1000=-1)
    assert info.value.field == "team.fte_per_1000"


# --------------------------------------------------------------------------- levers, TOML


def test_baseline_levers_resets_levers_only():
    cfg = load_config(
        None,
        [("costs.fte", 90000.0), ("needs.relapse_weeks", 10), ("policy.reallocate", True),
         ("policy.practice_link", "merged"), ("policy.cycle_weeks", 13)],
        households=321,
        seed=9,
        weeks=17,
        team_structure="integrated",
        fte_per_1000=1.3,
        outreach_share=0.4,
        caseload_cap=11,
        partners=["school"],
        network_first=0.7,
        maatwerk_stage=3,
        closure_rule="fixed",
        sociale_basis_budget=1.0,
    )
    base = baseline_levers(cfg)
    defaults = Config()
    for dotted in LEVERS:
        assert get_dotted(base, dotted) == get_dotted(defaults, dotted), dotted
        assert get_dotted(cfg, dotted) != get_dotted(defaults, dotted), dotted
    # everything else is kept
    assert base.population.households == 321
    assert base.run.seed == 9
    assert base.run.weeks == 17
    assert base.costs.fte == 90000.0
    assert base.needs.relapse_weeks == 10
    # the input is not changed
    assert cfg.team.structure == "integrated"


def test_dump_toml_round_trips(tmp_path):
    cfg = load_config(
        None,
        households=77,
        team_structure="integrated",
        partners=["gp", "creditors"],
        outreach_share=0.15,
    )
    cfg.costs.crisis.youth = 1.5
    cfg.signalling.kinds["gp"].relation_start = 0.9
    cfg.description = 'round trip: \u00fc, "quotes"'
    text = dump_toml(cfg)
    path = write(tmp_path / "dumped.toml", text)
    back = load_config(path)
    assert back == cfg
    assert back != Config()
    assert back.signalling.kinds["gp"].relation_start == 0.9
    assert back.costs.crisis.youth == 1.5


def test_dump_toml_of_extended_config_drops_extends(tmp_path):
    write(tmp_path / "p.toml", "[team]\ncaseload_cap = 4\n")
    child = load_config(write(tmp_path / "c.toml", 'extends = "p.toml"\n'))
    assert child.extends == "p.toml"
    assert "extends" not in dump_toml(child)
    back = load_config(write(tmp_path / "elsewhere" / "d.toml", dump_toml(child)))
    assert back.team.caseload_cap == 4
    assert back.model_dump(exclude={"extends"}) == child.model_dump(exclude={"extends"})


def test_provisions_need_one_entry_each_and_shares_that_add_up_per_domain(tmp_path):
    good = load_config(None)
    assert set(good.policy.provisions) == set(PROVISIONS[1:])
    half = write(tmp_path / "half.toml", "[policy.provisions.hulpmiddel]\ngrant_share = 0.1\n")
    with pytest.raises(ConfigError, match="grant shares of 'care'"):
        load_config(half)
    weeks = write(tmp_path / "weeks.toml", "[policy.provisions.jeugdhulp]\nweeks_min = 60\n"
                  "weeks_max = 30\n")
    with pytest.raises(ConfigError, match="weeks_max"):
        load_config(weeks)
    unknown = write(tmp_path / "unknown.toml", "[policy.provisions.rolstoel]\ndomain = 'care'\n"
                    "kind = 'durable'\ngrant_share = 0\nweeks_min = 1\nweeks_max = 1\n"
                    "renewal = 0\ncost_per_year = 0\n")
    with pytest.raises(ConfigError, match="rolstoel"):
        load_config(unknown)
