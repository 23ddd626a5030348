"""My own routes against the catalog: where would a new line rank among the known options.

Reads a GeoJSON (or GeoPackage...) of your routes — or, with none given, writes a small demo file
of two made-up Russia → South Korea pipelines — analyses them together with the catalog's
pipelines, and writes ``ranking.csv`` (all routes, least exposed to the focus state first) and
``report.html`` (the answer table, chart and map) to ``--out``.

    python examples/my_routes_vs_catalog.py my_routes.geojson --focus CHN --out results/
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

import georoutes
from georoutes.compare import rank
from georoutes.render import write_report

DEMO = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {
                "id": "my-offshore-east",
                "name": "My offshore line, east of the DPRK",
                "kind": "pipeline",
            },
            "geometry": {
                "type": "LineString",
                "coordinates": [
                    [131.9, 43.1],
                    [131.5, 41.5],
                    [130.5, 39.5],
                    [129.6, 37.9],
                    [129.2, 37.4],
                ],
            },
        },
        {
            "type": "Feature",
            "properties": {
                "id": "my-overland-west",
                "name": "My overland line via Dandong",
                "kind": "pipeline",
            },
            "geometry": {
                "type": "LineString",
                "coordinates": [
                    [127.5, 50.25],
                    [125.3, 43.9],
                    [124.4, 40.1],
                    [125.75, 39.03],
                    [126.98, 37.56],
                ],
            },
        },
    ],
}


def main(argv: list[str] | None = None) -> int:
    """Run the example with command-line arguments ``argv``; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("routes", nargs="?", type=Path, help="your routes (default: a demo)")
    parser.add_argument("--focus", default="CHN", help="the state whose nearness counts")
    parser.add_argument("--band-km", type=float, default=100.0)
    parser.add_argument("--out", type=Path, default=Path("examples-output"))
    args = parser.parse_args(argv)

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.routes
    if path is None:
        path = args.out / "my_routes.geojson"
        path.write_text(json.dumps(DEMO, indent=1), encoding="utf-8")
    mine = georoutes.read_routes(path)
    catalog = georoutes.catalog()
    known = georoutes.as_routes(catalog[catalog["kind"] == "pipeline"])
    clash = sorted(set(mine["id"]) & set(known["id"]))
    if clash:
        parser.error(f"route ids also in the catalog: {', '.join(clash)}")
    both = georoutes.as_routes(pd.concat([mine, known], ignore_index=True))

    band = f"{args.band_km:g}"
    analysis = georoutes.analyze(both, focus=[args.focus], bands_km=[args.band_km])
    flat = georoutes.flatten(analysis)
    ranked = rank(flat, [f"exposure.{args.focus}.within_km.{band}", "length_km"])
    ranked["mine"] = [str(i) in set(mine["id"]) for i in ranked.index]
    columns = [
        "rank",
        "mine",
        "name",
        "length_km",
        f"exposure.{args.focus}.inside_km",
        f"exposure.{args.focus}.within_km.{band}",
        f"exposure.{args.focus}.min_distance_km",
    ]
    ranked[columns].to_csv(args.out / "ranking.csv", float_format="%.1f")
    write_report(
        args.out / "report.html", analysis, both, title="My routes and the catalog", tiles=None
    )

    for route_id, row in ranked[ranked["mine"]].iterrows():
        print(
            f"{route_id}: rank {row['rank']} of {len(ranked)} "
            f"({row[f'exposure.{args.focus}.within_km.{band}']:,.1f} km within {band} km of "
            f"{args.focus}, {row['length_km']:,.1f} km long)"
        )
    print(f"wrote {args.out / 'ranking.csv'} and {args.out / 'report.html'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
