"""Every enumeration has one home (wijksim.codes): names and codes agree."""

from wijksim import codes


def test_each_code_is_the_position_of_its_name():
    tables = {
        codes.DOMAINS: ("CARE", "YOUTH", "INCOME", "DEBT", "SOCIAL"),
        codes.STAGES: ("NONE", "MILD", "MODERATE", "SEVERE", "CRISIS"),
        codes.HOUSEHOLD_TYPES: ("SINGLE_ELDERLY", "SINGLE_ADULT", "COUPLE", "FAMILY"),
        codes.STATUSES: ("UNKNOWN", "SIGNALLED", "WAITING", "IN_SUPPORT", "CLOSED"),
        codes.SUPPORT_KINDS: ("NO_SUPPORT", "LIGHT", "NETWORK", "BASIS", "MAATWERK", "WLZ"),
        codes.PROVISIONS: ("NO_PROVISION", "WONINGAANPASSING", "HULPMIDDEL", "HUISHOUDELIJKE_HULP",
                           "BEGELEIDING", "JEUGDHULP", "RE_INTEGRATIE", "SCHULDHULP",
                           "DAGBESTEDING"),
        codes.PROVISION_KINDS: ("ONE_OFF", "DURABLE", "RECURRING", "EPISODE"),
    }
    for names, constants in tables.items():
        assert len(names) == len(constants)
        for i, constant in enumerate(constants):
            assert getattr(codes, constant) == i, constant
            assert constant.removeprefix("NO_").lower().startswith(names[i].split("_")[0][:4]) or (
                constant in ("NO_SUPPORT", "NO_PROVISION") and names[i] == "none"
            )
    assert len(codes.DOMAINS) == codes.N_DOMAINS


def test_names_are_unique():
    for names in (codes.DOMAINS, codes.STAGES, codes.HOUSEHOLD_TYPES, codes.STATUSES,
                  codes.SUPPORT_KINDS, codes.PARTNER_KINDS, codes.TEAM_STRUCTURES,
                  codes.CLOSURE_RULES, codes.PROVISIONS, codes.PROVISION_KINDS,
                  codes.DEPARTURES, codes.WMO_ENDINGS):
        assert len(set(names)) == len(names)
