"""An independent, brute-force measurement of routes, to check the engine against.

It shares no code with georoutes' engine: the route is sampled along its geodesics every
``step_m`` metres with pyproj.Geod.npts, each sample is classified by a point-in-polygon test on
the boundary polygons, and distances to the focus state are measured in a local azimuthal
equidistant projection (pyproj.Transformer) centred on each block of samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyproj
import shapely

GEOD = pyproj.Geod(ellps="WGS84")


@dataclass
class Sampled:
    lon: np.ndarray
    lat: np.ndarray
    km: np.ndarray  # along-route position of each sample
    step_km: np.ndarray  # length each sample stands for
    state: list


def sample_route(coords: list[tuple[float, float]], step_m: float = 100.0) -> Sampled:
    lons, lats, kms, steps = [], [], [], []
    pos = 0.0
    for (lon0, lat0), (lon1, lat1) in zip(coords[:-1], coords[1:], strict=True):
        _, _, dist = GEOD.inv(lon0, lat0, lon1, lat1)
        n = max(1, int(np.ceil(dist / step_m)))
        pts = GEOD.npts(lon0, lat0, lon1, lat1, n - 1) if n > 1 else []
        seg = [(lon0, lat0), *pts, (lon1, lat1)]
        seg_step = dist / n
        # Midpoints of the n sub-steps stand for them.
        for i in range(n):
            a, b = seg[i], seg[i + 1]
            az, _, d = GEOD.inv(a[0], a[1], b[0], b[1])
            mlon, mlat, _ = GEOD.fwd(a[0], a[1], az, d / 2)
            lons.append(mlon)
            lats.append(mlat)
            kms.append((pos + (i + 0.5) * seg_step) / 1000.0)
            steps.append(seg_step / 1000.0)
        pos += dist
    return Sampled(np.array(lons), np.array(lats), np.array(kms), np.array(steps), [])


def classify(s: Sampled, boundaries) -> None:
    lon = ((s.lon + 180.0) % 360.0) - 180.0
    state = [None] * lon.size
    for code, geom in zip(boundaries["code"], boundaries.geometry.values, strict=True):
        minx, miny, maxx, maxy = geom.bounds
        cand = np.flatnonzero((lon >= minx) & (lon <= maxx) & (s.lat >= miny) & (s.lat <= maxy))
        if cand.size == 0:
            continue
        shapely.prepare(geom)
        inside = shapely.contains_xy(geom, lon[cand], s.lat[cand])
        for i in cand[inside]:
            if state[i] is None:
                state[i] = code
    s.state = state


def km_by_state(s: Sampled) -> dict:
    out: dict = {}
    for st, step in zip(s.state, s.step_km, strict=True):
        key = st if st is not None else "__sea__"
        out[key] = out.get(key, 0.0) + step
    return out


def runs(s: Sampled) -> list[list]:
    """[state, from_km, to_km] runs of the samples."""
    out: list[list] = []
    for st, km, step in zip(s.state, s.km, s.step_km, strict=True):
        if out and out[-1][0] == st:
            out[-1][2] = km + step / 2
        else:
            out.append([st, km - step / 2, km + step / 2])
    return out


def states_and_crossings(s: Sampled, min_piece_km: float = 0.5) -> tuple[list, list]:
    land = [r for r in runs(s) if r[0] is not None]
    changed = True
    while changed:
        changed = False
        short = [
            i
            for i in range(1, len(land) - 1)
            if land[i][2] - land[i][1] < min_piece_km
            and land[i - 1][0] == land[i + 1][0] != land[i][0]
        ]
        if short:  # the shortest sliver goes first (DESIGN: direction-independent)
            i = min(short, key=lambda k: (land[k][2] - land[k][1], str(land[k][0])))
            land[i - 1 : i + 2] = [[land[i - 1][0], land[i - 1][1], land[i + 1][2]]]
            changed = True
        i = 1
        while i < len(land):
            if land[i][0] == land[i - 1][0]:
                land[i - 1 : i + 1] = [[land[i - 1][0], land[i - 1][1], land[i][2]]]
            else:
                i += 1
    states = [r[0] for r in land]
    xings = [(a[0], b[0], b[1]) for a, b in zip(land[:-1], land[1:], strict=True)]
    return states, xings


def distances_km(
    s: Sampled, focus_geom, *, window_km: float = 400.0, block_km: float = 50.0
) -> np.ndarray:
    """Geodesic distance (km) from every sample to the focus geometry, via local AEQD."""
    out = np.full(s.lon.size, np.inf)
    block = np.floor(s.km / block_km).astype(int)
    for b in np.unique(block):
        idx = np.flatnonzero(block == b)
        c = idx[idx.size // 2]
        lon0 = ((s.lon[c] + 180.0) % 360.0) - 180.0
        lat0 = s.lat[c]
        crs = pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m")
        tr = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        dlat = window_km / 110.0
        dlon = min(180.0, dlat / max(np.cos(np.radians(min(abs(lat0) + dlat, 89.0))), 1e-6))
        box = shapely.box(lon0 - dlon, lat0 - dlat, lon0 + dlon, lat0 + dlat)
        near = shapely.intersection(focus_geom, box)
        if near.is_empty:
            continue
        near = shapely.segmentize(near, 0.01)
        proj = shapely.transform(
            near, lambda xy, tr=tr: np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))
        )
        px, py = tr.transform(s.lon[idx], s.lat[idx])
        out[idx] = shapely.distance(shapely.points(px, py), proj) / 1000.0
    return out
