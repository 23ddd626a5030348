"""A batch of route files: analyse a folder (or a glob) of GeoJSON files in one go.

Every valid feature of every file is analysed; invalid ones are skipped and listed (file,
feature number, reason) instead of stopping the batch. Writes ``results.csv`` (one row per
route, the flat table of :func:`georoutes.flatten`) and ``skipped.csv`` to ``--out``. With no
input, a demo folder of three tracker-style files (one with a bad feature) is written first.

    python examples/batch_files.py "tracker/*.geojson" --focus CHN --out results/
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import georoutes


def _feature(fid: str, name: str, coords: list[list[float]] | None) -> dict:
    geometry = None if coords is None else {"type": "LineString", "coordinates": coords}
    return {
        "type": "Feature",
        "properties": {"id": fid, "name": name, "kind": "rail"},
        "geometry": geometry,
    }


DEMO_FILES = {
    "north.geojson": [
        _feature("khasan-zarubino", "Khasan - Zarubino", [[130.6449, 42.4301], [131.08, 42.64]]),
        _feature(
            "rajin-tumangang", "Rajin - Tumangang", [[130.2831, 42.2556], [130.6081, 42.4214]]
        ),
    ],
    "west.geojson": [
        _feature("yalu-link", "Sinuiju - Dandong link", [[124.3981, 40.1006], [124.3947, 40.1292]]),
    ],
    "broken.geojson": [
        _feature("no-line", "A feature without geometry", None),
        _feature("seoul-kaesong", "Seoul - Kaesong", [[126.9784, 37.566], [126.5544, 37.9708]]),
    ],
}


def main(argv: list[str] | None = None) -> int:
    """Run the example with command-line arguments ``argv``; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", help="files, folders or globs (default: a demo)")
    parser.add_argument("--focus", default="CHN")
    parser.add_argument("--out", type=Path, default=Path("examples-output"))
    args = parser.parse_args(argv)

    args.out.mkdir(parents=True, exist_ok=True)
    inputs = args.inputs
    if not inputs:
        folder = args.out / "tracker"
        folder.mkdir(exist_ok=True)
        for name, features in DEMO_FILES.items():
            data = {"type": "FeatureCollection", "features": features}
            (folder / name).write_text(json.dumps(data), encoding="utf-8")
        inputs = [str(folder)]

    routes = georoutes.read_routes(inputs, on_invalid="skip")
    skipped = routes.attrs.get("georoutes_skipped", [])
    analysis = georoutes.analyze(routes, focus=[args.focus], bands_km=[10, 50])
    flat = georoutes.flatten(analysis)
    flat.to_csv(args.out / "results.csv", float_format="%.3f")
    with (args.out / "skipped.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(
            fh, fieldnames=["source", "feature", "id", "reason"], extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(skipped)

    print(f"analysed {len(analysis)} route(s), skipped {len(skipped)}")
    for route_id, row in flat.iterrows():
        print(
            f"  {route_id}: {row['length_km']:,.1f} km, states {row['states']}, "
            f"{row[f'exposure.{args.focus}.within_km.10']:,.1f} km within 10 km of {args.focus}"
        )
    for item in skipped:
        print(
            f"  skipped {item.get('source')}: feature {item.get('feature')}: {item.get('reason')}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
