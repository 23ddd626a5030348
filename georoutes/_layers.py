"""Deprecated: the layer registry lives in :mod:`georoutes.boundaries`."""

from .boundaries import DEFAULT, LAYERS, REGION_BBOX, layer_path, resolve_layer

__all__ = ["DEFAULT", "LAYERS", "REGION_BBOX", "layer_path", "resolve_layer"]
