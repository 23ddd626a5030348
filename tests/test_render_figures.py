"""Content tests of the static figure (georoutes.render.figures) on the hand-made scenario."""

from __future__ import annotations

from georoutes.render import RenderOptions, png_bytes, route_figure


def test_static_figure(hand_scenario, boundaries, tmp_path):
    sc = hand_scenario
    fig = route_figure(
        sc.analysis, sc.routes, crossings=sc.crossings, boundaries=boundaries, places=sc.places
    )
    ax = fig.axes[0]
    assert len(ax.get_lines()) == len(sc.analysis)  # one line per route part
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"pipeline", "rail", "shipping", "not operating", "border crossing"} <= set(labels)
    assert set(sc.analysis["name"].map(lambda n: n.replace("$", r"\$"))) <= set(labels)
    png = png_bytes(fig, dpi=60)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) > 10_000


def test_static_figure_takes_the_options_object(hand_scenario, boundaries):
    sc = hand_scenario
    options = RenderOptions(transits=sc.transits, crossings=sc.crossings, boundaries=boundaries)
    fig = route_figure(sc.analysis, sc.routes, options, title="$x$ routes")
    ax = fig.axes[0]
    assert len(ax.get_lines()) == len(sc.analysis)
    assert ax.get_title() == r"\$x\$ routes"  # users' text is not mathtext
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "focus: CHN (China)" in labels
    assert "within 50 km" in labels
