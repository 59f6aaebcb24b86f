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
    """Each way of naming a country, as stems, with every way of naming the same country. A form
    several countries share ("French": France, Martinique, Réunion; "Chinese": China, Hong Kong) is
    the most populous one's, the one news means by it."""
    from countryinfo import all_countries

    owner: dict[tuple[str, ...], tuple[int, str]] = {}
    names_of: dict[str, set[tuple[str, ...]]] = {}
    for country in all_countries():
        # Not its ISO codes: "TH", "IN" and "GB" are words and units in running text ("in", "16 GB").
        codes = {str(c).lower() for c in (country.iso() or {}).values()}
        names = [n for n in (country.name(), *country.alt_spellings(), country.demonym() or "")
                 if n.lower() not in codes]
        forms = {tuple(stem_all(words(n))) for n in names} - {()}
        names_of[country.name()] = forms
        for form in forms:
            owner[form] = max(owner.get(form, (-1, "")), (country.population() or 0, country.name()))
    groups = {name: frozenset(f for f in forms if owner[f][1] == name) for name, forms in names_of.items()}
    return {form: groups[name] for form, (_, name) in owner.items()}


@lru_cache(maxsize=4096)
def other_forms(stems: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    """The other names of the country ``stems`` names (empty for no country). One word may shorten a
    one-word name of one country, as a name's word may shorten another's ("Thai" meets "Thailand"):
    "Brits" is British, so the UK; "Chin" begins both "China" and "Chinese" but no third country's."""
    table = _forms()
    group = table.get(stems)
    if group is None and len(stems) == 1 and len(stems[0]) >= MIN_SHORTENED:
        longer = {table[form] for form in table if len(form) == 1 and form[0].startswith(stems[0])}
        group = longer.pop() if len(longer) == 1 else None
    return (group or frozenset()) - {stems}
