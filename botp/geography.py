"""Distances between Belgian postcodes, from the municipality coordinates shipped in
botp/data/postcodes.csv (see botp/data/README.md): the directory's "near postcode" is measured
on the map, not by the difference between postcode numbers (Brugge is not nearer to Antwerp
than Gent is)."""

import csv
import functools
import math
from pathlib import Path

from django.db import models

DATA = Path(__file__).resolve().parent / "data" / "postcodes.csv"
EARTH_RADIUS_KM = 6371.0


@functools.cache
def _coordinates():
    with DATA.open(encoding="utf-8") as rows:
        return {row["postcode"]: (float(row["lat"]), float(row["lng"]))
                for row in csv.DictReader(rows)}


def known(postcode: str) -> bool:
    return postcode in _coordinates()


def distance_km(a: str, b: str) -> float | None:
    """The distance as the crow flies between postcodes ``a`` and ``b``, or None when either
    is unknown."""
    places = _coordinates()
    if a not in places or b not in places:
        return None
    (lat1, lng1), (lat2, lng2) = places[a], places[b]
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half = (math.sin((phi2 - phi1) / 2) ** 2
            + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(half))


def distance_from(postcode: str, postcodes) -> models.Case:
    """A query expression: the distance in km from ``postcode`` to a row's ``postcode`` field,
    for the ``postcodes`` the rows may have; an unknown one sorts last."""
    whens = [models.When(postcode=other, then=models.Value(distance))
             for other in set(postcodes)
             if (distance := distance_km(postcode, other)) is not None]
    return models.Case(*whens, default=models.Value(100_000.0),
                       output_field=models.FloatField())
