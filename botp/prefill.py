"""Values another part of the portal can offer a stage's form, without the stage knowing where
they come from (the evaluation offers the participant's own pre-test scores to the diagnosis
report). A source is ``(case) -> (values dict, description)`` and is registered at start under
a name that says what its values are: "pretest_scores" gives {(instrument code, subscale id):
Decimal score}."""

_sources = {}


def register(form, source):
    _sources.setdefault(form, []).append(source)


def values_for(form, case):
    """What the registered sources offer ``form`` for ``case``: (values, descriptions)."""
    values, descriptions = {}, []
    for source in _sources.get(form, []):
        offered, description = source(case)
        if offered:
            values.update(offered)
            descriptions.append(description)
    return values, descriptions
