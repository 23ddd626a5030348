"""The seed's pipeline question, through the Python API.

Which of the Russia → South Korea gas pipeline options (2011 summit) runs least in and near
China, crosses the fewest transit states, and what would the transit states earn at 10 bcm a
year? Analyses the built-in catalog's pipelines that end in South Korea, ranks them, and writes
``pipelines.csv`` and ``pipelines.html`` (the report) to ``--out``.

    python examples/seed_pipelines.py --out results/
"""

from __future__ import annotations

import argparse
from pathlib import Path

import georoutes
from georoutes.compare import comparison
from georoutes.render import write_report

FOCUS = "CHN"
BANDS_KM = (10, 50, 100)
COLUMNS = {
    "length_km": "length km",
    f"exposure.{FOCUS}.inside_km": f"km in {FOCUS}",
    f"exposure.{FOCUS}.within_km.100": f"km ≤100 km of {FOCUS}",
    f"exposure.{FOCUS}.min_distance_km": f"nearest km to {FOCUS}",
    "transit_states_count": "transit states",
    "transit_fees_total": "transit fees $M/yr",
}


def main(argv: list[str] | None = None) -> int:
    """Run the example with command-line arguments ``argv``; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("examples-output"))
    parser.add_argument("--volume-bcm", type=float, default=10.0, help="gas volume, bcm/yr")
    args = parser.parse_args(argv)

    routes = georoutes.catalog()
    pipes = routes[(routes["kind"] == "pipeline")]
    pipes = pipes[[states[-1] == "KOR" for states in pipes["declared_states"]]]
    pipes = georoutes.as_routes(pipes)
    analysis = georoutes.analyze(pipes, focus=[FOCUS], bands_km=BANDS_KM)

    _, flat = comparison(
        analysis,
        rank_by=[f"exposure.{FOCUS}.within_km.100", "transit_states_count"],
        volume_bcm_per_year=args.volume_bcm,
    )
    table = flat[["rank", *COLUMNS]].copy()
    table["transit_fees_total"] = table["transit_fees_total"] / 1e6
    table = table.rename(columns=COLUMNS)
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "pipelines.csv", float_format="%.1f")
    write_report(args.out / "pipelines.html", analysis, pipes, title="Pipeline options", tiles=None)

    best = table.index[0]
    print(table.to_string(float_format=lambda v: f"{v:,.1f}"))
    print(
        f"\nleast exposed to {FOCUS}: {best} ({table.iloc[0][f'km ≤100 km of {FOCUS}']:,.1f} km "
        f"within 100 km); wrote {args.out / 'pipelines.csv'} and {args.out / 'pipelines.html'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
