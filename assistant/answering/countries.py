"""The names of one country, from the ``countryinfo`` package's data (MIT, shipped inside the wheel):
its name, its other spellings and short forms (not its ISO codes), and its demonym.

Why: "Brits" and "the UK", "US" and "Americans" name one country, and a quiz question uses one where
its article uses the other, so the names check (``Key.found_in``) declined them. spaCy labels both
(NORP, GPE) without linking them, and MiniLM's margins are too thin to (Brits-UK 0.58 against
Brits-Ireland 0.50).
"""

from __future__ import annotations

from functools import lru_cache

from assistant.retrieval.terms import stem_all, words

MIN_SHORTENED = 4  # letters a one-word short form needs to stand for a longer demonym ("Brits": "British")


@lru_cache(maxsize=1)
def _forms() -> dict[tuple[str, ...], frozenset[tuple[str, ...]]]:
    """Each way of naming a country, as stems, with every way of naming the same country."""
    from countryinfo import all_countries

    table: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for country in all_countries():
        # Not its ISO codes: "TH", "IN" and "GB" are words and units in running text ("in", "16 GB").
        codes = {str(c).lower() for c in (country.iso() or {}).values()}
        names = [n for n in (country.name(), *country.alt_spellings(), country.demonym() or "")
                 if n.lower() not in codes]
        forms = {tuple(stem_all(words(n))) for n in names} - {()}
        for form in forms:
            table.setdefault(form, set()).update(forms)
    return {form: frozenset(group) for form, group in table.items()}


def other_forms(stems: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    """The other names of the country ``stems`` names (empty for no country). One word may shorten a
    one-word name, as a name's word may shorten another's ("Thai" meets "Thailand"): "Brits" is
    British, so the UK."""
    table = _forms()
    group = table.get(stems)
    if group is None and len(stems) == 1 and len(stems[0]) >= MIN_SHORTENED:
        longer = [g for form, g in table.items() if len(form) == 1 and form[0].startswith(stems[0])]
        group = frozenset().union(*longer) if longer else None
    return (group or frozenset()) - {stems}
