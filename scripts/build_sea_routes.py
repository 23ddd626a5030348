"""Build layers/routes/shipping.geojson: the seed scenario's shipping lanes, on searoute's network.

Usage: python scripts/build_sea_routes.py [--check]

Each route is computed by ``georoutes.networks.sea_route`` (searoute's bundled marine network,
offline) between places of ``layers/places/places.geojson``; an endpoint missing from that layer
falls back to the UN/LOCODE port position shipped in searoute's own ``data/ports.geojson`` (the
feature's ``provenance.endpoints`` says which). The routes end at the places themselves
(``connect_endpoints=True``): the leg from each place to its nearest sea node is a straight
geodesic, ``snapped_km`` long. Every feature records how it was made (searoute version, passages
closed/allowed) so the file can be rebuilt and checked: ``--check`` rebuilds in memory and exits 1
when the committed file differs.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

import shapely
from rich.progress import track

from georoutes._data import layers_dir
from georoutes.cli import write_atomic
from georoutes.networks import resolve_location, sea_route

OUT = layers_dir() / "routes" / "shipping.geojson"
PLACES = layers_dir() / "places" / "places.geojson"
SEAROUTE_PORTS = "searoute 1.6 data/ports.geojson (UN/LOCODE port positions)"


@dataclass(frozen=True)
class Endpoint:
    place_ids: tuple[str, ...]  # first one present in the places layer wins
    locode: str
    lonlat: tuple[float, float]  # fallback: the LOCODE position in searoute's ports.geojson


ENDPOINTS = {
    # "Vladivostok / Kozmino area" LNG: Kozmino (Nakhodka Bay) if the places layer has it.
    "vladivostok": Endpoint(
        ("kozmino", "vladivostok-port", "vladivostok"), "RUVVO", (131.883333, 43.116667)
    ),
    "samcheok-lng": Endpoint(("samcheok-lng",), "KRSUK", (129.189012, 37.439877)),
    "busan": Endpoint(("busan-port", "busan"), "KRPUS", (129.035797, 35.098203)),
    "rotterdam": Endpoint(("rotterdam-port", "rotterdam"), "NLRTM", (4.442447, 51.904383)),
}

CHOSUN_2025 = {
    "url": "https://biz.chosun.com/en/en-industry/2025/05/25/3OJ3LT3PYJF7BDQICBZL2Z44NY",
    "says": "Busan to Rotterdam via the Suez Canal is approximately 22,000 km; via the Arctic "
    "route 13,000-15,000 km (Chosun Biz, 2025-05-25)",
}
BAIRD_2026 = {
    "url": "https://www.bairdmaritime.com/shipping/boxships/"
    "south-korea-to-conduct-containership-trial-voyage-through-arctic-later-this-year",
    "says": "the planned Korean Arctic containership voyage would cover approximately "
    "13,000 km, the Suez route nearly twice as long (Baird Maritime, 2026-01-07)",
}
BUSINESSKOREA_2023 = {
    "url": "http://www.businesskorea.co.kr/news/articleView.html?idxno=208584",
    "says": "the Cape of Good Hope bypass is more than 5,000 km longer than the Red Sea route "
    "(BusinessKorea, December 2023)",
}


@dataclass(frozen=True)
class Spec:
    id: str
    name: str
    origin: str
    destination: str
    status: str
    vessel: str
    avoid: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    published_length_km: float | None = None
    citations: tuple[dict[str, str], ...] = ()
    notes: str = ""
    sources: tuple[str, ...] = field(default=())


SPECS = (
    Spec(
        "lng-vladivostok-samcheok",
        "LNG by sea: Vladivostok area to Samcheok (KOGAS)",
        "vladivostok",
        "samcheok-lng",
        "proposed",
        "LNG carrier",
        notes="the LNG alternative to the pipeline through the DPRK: Russian LNG shipped "
        "across the East Sea to KOGAS's Samcheok terminal; no published voyage length",
    ),
    Spec(
        "sea-busan-rotterdam-suez",
        "Busan to Rotterdam by sea via Suez",
        "busan",
        "rotterdam",
        "operating",
        "container ship",
        published_length_km=22000.0,
        citations=(CHOSUN_2025,),
        notes="the maritime Euro-Asian trade route the Trans-Korean / Trans-Siberian railway "
        "would compete with",
    ),
    Spec(
        "sea-busan-rotterdam-cape",
        "Busan to Rotterdam by sea round the Cape of Good Hope",
        "busan",
        "rotterdam",
        "operating",
        "container ship",
        avoid=("Suez", "Panama"),
        citations=(BUSINESSKOREA_2023,),
        notes="Suez closed (as in the 2021 Ever Given blockage and the Red Sea diversions "
        "since 2023); Panama closed too, because with Suez alone closed searoute's "
        "shortest path from Busan crosses the Pacific and the Panama Canal",
    ),
    Spec(
        "sea-busan-rotterdam-nsr",
        "Busan to Rotterdam by the Northern Sea Route",
        "busan",
        "rotterdam",
        "seasonal",
        "ice-class container ship",
        avoid=("Suez",),
        allow=("Northern Sea Route",),
        published_length_km=13000.0,
        citations=(BAIRD_2026, CHOSUN_2025),
        notes="summer-autumn only, ice-class ships and escort; published figures 13,000-15,000 km",
    ),
)


def _places() -> set[str]:
    if not PLACES.exists():
        return set()
    return {f["properties"]["id"] for f in json.loads(PLACES.read_text("utf-8"))["features"]}


def _endpoint(key: str, known: set[str]) -> tuple[str | tuple[float, float], dict[str, Any]]:
    end = ENDPOINTS[key]
    for pid in end.place_ids:
        if pid in known:
            loc = resolve_location(pid, places=PLACES)
            return pid, {
                "place": pid,
                "lon": loc.lon,
                "lat": loc.lat,
                "source": "layers/places/places.geojson",
            }
    lon, lat = end.lonlat
    return end.lonlat, {
        "place": None,
        "wanted_place_ids": list(end.place_ids),
        "lon": lon,
        "lat": lat,
        "source": f"{SEAROUTE_PORTS}: {end.locode}",
    }


def build() -> dict[str, Any]:
    known = _places()
    features = []
    for spec in track(SPECS, description="sea routes", transient=True):
        origin, o_meta = _endpoint(spec.origin, known)
        destination, d_meta = _endpoint(spec.destination, known)
        gdf = sea_route(
            origin,
            destination,
            restrictions=spec.avoid,
            allow=spec.allow,
            connect_endpoints=True,
            route_id=spec.id,
            name=spec.name,
            places=PLACES if PLACES.exists() else None,
        )
        row = gdf.iloc[0]
        length_km = round(float(row["length_km"]), 1)
        places = [m["place"] for m in (o_meta, d_meta) if m["place"]]
        props = {
            "id": spec.id,
            "name": spec.name,
            "kind": "shipping",
            "status": spec.status,
            "declared_states": [],
            "places": places,
            "sources": list(spec.sources),
            "accuracy": "searoute marine network",
            "published_length_km": spec.published_length_km,
            "citations": list(spec.citations),
            "passages": list(row["passages"]),
            "snapped_km": {k: round(v, 2) for k, v in row["snapped_km"].items()},
            "modes": [
                {
                    "mode": "sea",
                    "vessel": spec.vessel,
                    "from": o_meta["place"],
                    "to": d_meta["place"],
                    "length_km": length_km,
                }
            ],
            "notes": spec.notes,
            "provenance": {
                "generator": "scripts/build_sea_routes.py -> georoutes.networks.sea_route",
                "network": f"searoute {version('searoute')} bundled marine network (offline)",
                "passages_closed": list(row["closed_passages"]),
                "passages_allowed": list(spec.allow),
                "connect_endpoints": True,
                "length_km_geodesic": length_km,
                "searoute_length_km": round(float(row["searoute_length_km"]), 1),
                "endpoints": [o_meta, d_meta],
            },
        }
        geometry = shapely.geometry.mapping(row.geometry)
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    _add_land_km(features)
    return {"type": "FeatureCollection", "name": "georoutes_shipping", "features": features}


def _add_land_km(features: list[dict[str, Any]]) -> None:
    """Record, per route, the km inside land polygons of the default boundary layer.

    searoute's lanes are drawn for ships, not against a coastline: the legs to ports inland
    (Rotterdam's Nieuwe Waterweg), the Suez Canal, and a few network edges that clip islands
    (e.g. off Zhejiang, ~2 km of CHN in Natural Earth 10m) fall inside land polygons. The analysis
    counts them like any km; this makes them visible where the route is defined.
    """
    import geopandas as gpd

    import georoutes

    routes = gpd.GeoDataFrame(
        {"id": [f["properties"]["id"] for f in features]},
        geometry=[shapely.geometry.shape(f["geometry"]) for f in features],
        crs="EPSG:4326",
    )
    pieces = georoutes.transits(georoutes.read_routes(routes))
    on_land = pieces[pieces["state"].notna()].groupby(["route_id", "state"])["length_km"].sum()
    for f in features:
        rid = f["properties"]["id"]
        km = on_land.loc[rid] if rid in on_land.index.get_level_values(0) else {}
        f["properties"]["provenance"]["land_km_by_state"] = {
            str(state): round(float(v), 1) for state, v in dict(km).items()
        }


def dumps(doc: dict[str, Any]) -> str:
    # One feature per line: small diffs when a route changes.
    head = '{"type": "FeatureCollection", "name": "georoutes_shipping", "features": [\n'
    body = ",\n".join(json.dumps(f, ensure_ascii=False) for f in doc["features"])
    return head + body + "\n]}\n"


def main(argv: list[str]) -> int:
    text = dumps(build())
    if "--check" in argv:
        same = OUT.exists() and OUT.read_text("utf-8") == text
        print(f"{OUT}: {'up to date' if same else 'differs from a rebuild'}")
        return 0 if same else 1
    with write_atomic(OUT) as fh:
        fh.write(text)
    for f in json.loads(text)["features"]:
        p = f["properties"]
        print(
            f"{p['id']}: {p['provenance']['length_km_geodesic']:,.1f} km, "
            f"passages {p['passages']}, snapped {p['snapped_km']}, "
            f"endpoints {[e['place'] or e['source'] for e in p['provenance']['endpoints']]}"
        )
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
