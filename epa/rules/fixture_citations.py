"""The sources a standard fixture cites, listed once, so a reference such as "S6" on a criterion
names something a reader can look up (what it is, who wrote it, how far to trust it)."""

import re

from epa.rules.fixture_fields import checked_text, identify, need, objects_in

#: Who wrote a source, most trusted first: the Institute or Skills England, a training
#: provider or EPAO, or an apprentice's own notes.
TRUST = ("official", "provider", "apprentice")
_CODE = re.compile(r"S[0-9]{1,3}")
_CITED = re.compile(r"\bS[0-9]{1,3}\b")


def check_source_list(data: dict, problems: list[str]) -> set[str]:
    """The standard's `sources` (optional): each with a code such as S2, a description of what
    it is, its trust and, where it has one, its address. Returns the codes listed."""
    codes: set[str] = set()
    if data.get("sources") is None:
        return codes
    if need(data, "sources", list, "standard", problems) is None:
        return codes
    for i, source in objects_in(data, "sources", "standard", problems):
        code, where = identify(source, "code", "source", f"sources[{i}]", codes, problems)
        if code and not _CODE.fullmatch(code):
            problems.append(f"{where}: a source's code is S and a number, such as S2")
        need(source, "description", str, where, problems)
        if source.get("trust") not in TRUST:
            problems.append(
                f"{where}: 'trust' is {source.get('trust')!r}; it must be one of {', '.join(TRUST)}"
            )
        address = source.get("address")
        if address is not None:
            if isinstance(address, str) and address.strip():
                checked_text(address, "address", where, problems)
            else:
                problems.append(f"{where}: 'address' must be text, or left out")
    return codes


def check_citations(data: dict, listed: set[str], problems: list[str]) -> None:
    """Every source code a reference cites is in the standard's list of sources."""
    unknown: dict[str, str] = {}
    versions = data.get("versions") if isinstance(data.get("versions"), list) else []
    for v, version in enumerate(versions):
        label = version.get("version") if isinstance(version, dict) else None
        path = f"version {label}" if isinstance(label, str) else f"versions[{v}]"
        items = version.items() if isinstance(version, dict) else []
        found = (ref for key, item in items for ref in _references(item, f"{path} {key}", key))
        for where, text in found:
            for code in _CITED.findall(text):
                if code not in listed:
                    unknown.setdefault(code, where)
    for code, where in sorted(unknown.items()):
        problems.append(f"{where} cites {code}, which is not in the standard's sources")


def _references(value, path: str, key: str = ""):
    """(path, text) of every `reference` or `*_reference` text at or inside `value`."""
    if isinstance(value, str):
        if key == "reference" or key.endswith("_reference"):
            yield path, value
    elif isinstance(value, dict):
        for inner, item in value.items():
            yield from _references(item, f"{path}.{inner}", inner)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _references(item, f"{path}[{i}]")
